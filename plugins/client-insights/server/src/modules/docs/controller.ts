import type { Core } from '@strapi/strapi';
import { docsApi } from '../../../../shared/contracts/docs';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  openapi: (ctx) => respond(ctx, docsApi.openapi, () => getService(strapi, 'docs').document()),
});
