import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async counts(ctx) {
    ctx.body = { data: await getService(strapi, 'overview').counts() };
  },
});
