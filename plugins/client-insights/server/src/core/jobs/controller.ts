import type { Core } from '@strapi/strapi';
import { jobsApi } from '../../../../shared/contracts/jobs';
import { ApiError } from '../http/errors';
import { respond } from '../http/respond';
import { maySee } from './access';
import { createJobTracker } from './tracker';

/** Reading and cancelling any tracked job (ci_jobs) the caller may see. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tracker = () => createJobTracker(strapi.db.connection, strapi.log);
  const visible = async (ctx: any, viewer: Parameters<typeof maySee>[1], id: number) => {
    const job = await tracker().get(id);
    if (!job || !maySee(ctx, viewer, job)) throw ApiError.notFound(`job ${id} not found`);
    return job;
  };
  return {
    get: (ctx) => respond(ctx, jobsApi.get, async ({ params, viewer }) => ({ data: await visible(ctx, viewer, params.jobId) })),

    /** 200 with the job cancelled, 202 while a running job stops at its next check, 409 once it has finished. */
    cancel: (ctx) =>
      respond(
        ctx,
        jobsApi.cancel,
        async ({ params, viewer }) => {
          await visible(ctx, viewer, params.jobId);
          const job = (await tracker().cancel(params.jobId))!;
          if (job.status !== 'cancelled' && job.status !== 'running') throw ApiError.conflict(`job ${params.jobId} has already finished (${job.status})`);
          return { data: job };
        },
        (_input, body) => (body.data.status === 'running' ? 202 : 200)
      ),
  };
};
