import type { Core } from '@strapi/strapi';
import { ACTIONS, PLUGIN_ID } from '../../shared/permissions';
import { auditDocumentWrites } from './core/audit/documents';
import { auditRefusals } from './core/audit/refusals';
import { UID } from './core/constants';
import { renameStatusColumns } from './core/db/migrations/status-renames';
import { encryptCustomerFields } from './core/security/encryption';
import { protectSensitiveFields } from './core/security/sensitive';
import { registerVisibility } from './core/security/visibility';
import { useRequestIds } from './core/http/request-id';
import { letReadOnlyTokensRead } from './core/security/read-only-tokens';
import { guardDocumentWrites } from './core/security/validation';
import { segmentWriteCheck } from './modules/segments/write-check';
import { recordSegmentVersions } from './modules/segments/history/record';
import { tagWriteCheck } from './modules/tags/write-check';
import { automationWriteCheck } from './modules/automation/write-check';
import { cancelStepsOnDelete } from './modules/automation/lifecycle';
import { customerWriteCheck } from './modules/customers/write-check';
import { registerCrmGraphql } from './modules/crm/graphql';
import { addToStrapiDocumentation } from './modules/docs/strapi-documentation';
import { getService } from './get-service';
import { measureHttp } from './modules/monitoring/http-latency';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(ACTIONS.map((a) => ({ ...a, section: 'plugins', pluginName: PLUGIN_ID })));
  // Sensitive fields hidden from callers without `sensitive.view` on the content manager, REST and GraphQL.
  await protectSensitiveFields(strapi);
  // ... and encrypted at rest: encrypted on every write, decrypted on every read of the entity manager.
  encryptCustomerFields(strapi);
  // Segment and tag visibility in the content manager, REST and GraphQL.
  await registerVisibility(strapi);
  // Before Strapi's schema sync drops the old `status` columns of the host types.
  strapi.hook('strapi::content-types.beforeSync').register(() => renameStatusColumns(strapi.db.connection));
  // Request ids in answers and log lines (core/http/request-id.ts).
  useRequestIds(strapi);
  // HTTP API latency by route for Prometheus (modules/monitoring), outermost like the request ids.
  measureHttp(strapi, () => getService(strapi, 'monitoring').started());
  // Refusals by a permission policy (403) anywhere on the product's data, in the audit log.
  auditRefusals(strapi);
  // Read-only API tokens may use the plugin's GET routes (core/security/read-only-tokens.ts).
  letReadOnlyTokensRead(strapi);
  // Changes to segments, tags and automation rules from outside the plugin's routes, with before and after.
  auditDocumentWrites(strapi);
  // Every write of a rule or schedule, whichever path (plugin, content manager, REST, GraphQL), is checked alike
  // (inside the audit, so a refused attempt is seen there too).
  guardDocumentWrites(strapi, {
    [UID.segment]: segmentWriteCheck(strapi),
    [UID.tag]: tagWriteCheck,
    [UID.automationRule]: automationWriteCheck(strapi),
    [UID.customer]: customerWriteCheck,
  });
  // Deleting an automation rule by any path cancels its steps still waiting in the outbox, in the same transaction.
  cancelStepsOnDelete(strapi);
  // Every committed change of a segment's rule, settings or parent, whichever path, is a version (segment history).
  // Registered after every other document middleware: the innermost, in the write's transaction.
  recordSegmentVersions(strapi);
  // The integrator API's GraphQL queries and mutations (the /api/crm routes' operations and scopes).
  registerCrmGraphql(strapi);
  // The plugin's content-API routes in the document Strapi's documentation plugin serves at /documentation.
  addToStrapiDocumentation(strapi, getService(strapi, 'docs').build());
};
