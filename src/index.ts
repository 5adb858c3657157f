import type { Core } from '@strapi/strapi';
import { loadDemoDataOnFirstStart } from './demo-data/first-start';
import { ensureFirstAdmin } from './bootstrap/first-admin';
import { ensureRoles } from './bootstrap/roles';
import { refusePlaceholderSecrets } from './bootstrap/secrets';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    refusePlaceholderSecrets(process.env, strapi.log);
  },

  /** Runs after the plugins' bootstrap, so the Client Insights actions and tables exist. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureRoles(strapi);
    await ensureFirstAdmin(strapi);
    await loadDemoDataOnFirstStart(strapi);
  },
};
