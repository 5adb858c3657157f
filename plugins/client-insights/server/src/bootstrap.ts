import type { Core } from '@strapi/strapi';
import { migrate } from './db/migrate';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  // Plugin tables (knex) come after Strapi's own schema sync, before anything reads them.
  await migrate(strapi.db.connection);
};
