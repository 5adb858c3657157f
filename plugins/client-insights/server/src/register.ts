import type { Core } from '@strapi/strapi';
import { ACTIONS, PLUGIN_ID } from '../../shared/permissions';
import { auditDocumentWrites } from './core/audit/documents';
import { renameStatusColumns } from './core/db/migrations/status-renames';
import { protectSensitiveFields } from './core/security/sensitive';
import { registerVisibility } from './core/security/visibility';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(ACTIONS.map((a) => ({ ...a, section: 'plugins', pluginName: PLUGIN_ID })));
  // Sensitive fields hidden from callers without `sensitive.view` on the content manager, REST and GraphQL.
  await protectSensitiveFields(strapi);
  // Segment and tag visibility in the content manager, REST and GraphQL.
  await registerVisibility(strapi);
  // Before Strapi's schema sync drops the old `status` columns of the host types.
  strapi.hook('strapi::content-types.beforeSync').register(() => renameStatusColumns(strapi.db.connection));
  // Changes to segments, tags and automation rules from outside the plugin's routes, with before and after.
  auditDocumentWrites(strapi);
};
