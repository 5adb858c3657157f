import type { Core } from '@strapi/strapi';
import { auditApi } from '../../../../shared/contracts/audit';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const audit = () => getService(strapi, 'audit');
  return {
    list: (ctx) => respond(ctx, auditApi.list, ({ query }) => audit().list(query)),
    export: (ctx) =>
      respond(ctx, auditApi.export, async ({ query }) => {
        ctx.set('content-type', 'text/csv; charset=utf-8');
        ctx.set('content-disposition', 'attachment; filename="audit-log.csv"');
        return audit().exportCsv(query);
      }),
  };
};
