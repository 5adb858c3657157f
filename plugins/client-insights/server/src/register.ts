import type { Core } from '@strapi/strapi';
import { ACTIONS, PLUGIN_ID } from '../../shared/permissions';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi
    .service('admin::permission')
    .actionProvider.registerMany(ACTIONS.map((a) => ({ ...a, section: 'plugins', pluginName: PLUGIN_ID })));
};
