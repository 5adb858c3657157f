import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../shared/permissions';
import type { services } from './modules';

type Services = typeof services;

/** Typed access to the plugin's services. */
export const getService = <K extends keyof Services>(strapi: Core.Strapi, name: K): ReturnType<Services[K]> =>
  strapi.plugin(PLUGIN_ID).service(name as string) as ReturnType<Services[K]>;
