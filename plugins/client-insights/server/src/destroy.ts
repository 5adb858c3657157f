import type { Core } from '@strapi/strapi';
import { getService } from './get-service';

export default async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'segments').stop();
  getService(strapi, 'scheduler').stop();
};
