import type { Core } from '@strapi/strapi';
import { ACTIONS, PLUGIN_ID } from '../../shared/permissions';
import { renameStatusColumns } from './core/db/migrations/status-renames';
import { registerVisibility } from './core/security/visibility';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(ACTIONS.map((a) => ({ ...a, section: 'plugins', pluginName: PLUGIN_ID })));
  // Segment and tag visibility in the content manager, REST and GraphQL.
  await registerVisibility(strapi);
  // Before Strapi's schema sync drops the old `status` columns of the host types.
  strapi.hook('strapi::content-types.beforeSync').register(() => renameStatusColumns(strapi.db.connection));
};
