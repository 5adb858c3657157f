import type { Core } from '@strapi/strapi';
import { privacyApi } from '../../../../shared/contracts/privacy';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const privacy = () => getService(strapi, 'privacy');
  return {
    exportData: (ctx) => respond(ctx, privacyApi.exportData, async ({ params }) => ({ data: await privacy().exportData(params.id) })),
    erase: (ctx) =>
      respond(ctx, privacyApi.erase, async ({ params, viewer }) => ({
        data: await privacy().erase(params.id, viewer.kind === 'admin' ? { type: 'admin', id: viewer.userId } : { type: 'api', id: null }),
      })),
  };
};
