import type { Core } from '@strapi/strapi';
import { createEventBus } from './bus';

/** The process's one event bus; modules publish and subscribe through it (see bus.ts). */
export default ({ strapi }: { strapi: Core.Strapi }) => createEventBus(strapi.log);
