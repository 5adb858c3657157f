import type { Core } from '@strapi/strapi';
import { exportsApi } from '../../../../shared/contracts/exports';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';
import { approverOf } from '../approvals/service';
import { csvFormatOf } from '../segments/csv-locale';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const exportsService = () => getService(strapi, 'exports');
  return {
    start: (ctx) =>
      respond(
        ctx,
        exportsApi.start,
        async ({ viewer, query, body }) => {
          const approver = viewer.kind === 'admin' ? approverOf(ctx, viewer.userId) : null;
          const started = await exportsService().start(viewer, body, csvFormatOf(query, ctx.get('accept-language')), approver);
          return 'job' in started ? { data: started.job } : { data: started.approval, meta: { approval: true as const } };
        },
        202
      ),
    file: (ctx) =>
      respond(ctx, exportsApi.file, async ({ viewer, params }) => {
        const { filename, format, stream } = await exportsService().file(viewer, params.jobId);
        ctx.set('content-type', format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8');
        ctx.set('content-disposition', `attachment; filename="${filename}"`);
        return stream;
      }),
  };
};
