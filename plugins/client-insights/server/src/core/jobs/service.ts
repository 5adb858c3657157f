import type { Core } from '@strapi/strapi';
import { createScheduler } from './scheduler';

/** The process's one scheduler; plugin modules register their cron jobs here. */
export default ({ strapi }: { strapi: Core.Strapi }) => createScheduler(strapi.db.connection, strapi.log);
