import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { getService } from '../../get-service';

const runId = z.coerce.number().int().positive();
const migrationQuery = z.object({ from: runId.optional(), to: runId.optional() }).strict();
const customerParam = z.string().regex(/^(\d+|[A-Za-z0-9]{10,40})$/, 'must be a numeric id or a documentId');

const badRequest = (ctx: any, errors: Array<{ path: string; message: string }>) => {
  ctx.status = 400;
  ctx.body = { errors };
};
const zodErrors = (error: z.ZodError, prefix = '') => error.issues.map((i) => ({ path: `${prefix}/${i.path.join('/')}`, message: i.message }));

/** Value-model endpoints; the same actions serve the content API and the admin routes. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const values = () => getService(strapi, 'values');
  return {
    async customerScore(ctx: any) {
      const id = customerParam.safeParse(ctx.params.id);
      if (!id.success) return badRequest(ctx, zodErrors(id.error, '/params/id'));
      const result = await values().customerScore(id.data);
      if (!result.found) return ctx.notFound(`customer ${id.data} not found`);
      // A customer not yet scored: every score field is null (as score.* in rules).
      ctx.body = { data: result.score };
    },

    async rfmMatrix(ctx: any) {
      ctx.body = { data: await values().matrix() };
    },

    async calculate(ctx: any) {
      const body = z.object({}).strict().safeParse(ctx.request.body ?? {});
      if (!body.success) return badRequest(ctx, zodErrors(body.error, '/body'));
      const trigger = ctx.state?.isAuthenticatedAdmin || ctx.state?.userAbility ? 'admin' : 'api';
      const { job, started } = await values().calculate(trigger);
      ctx.status = 202;
      ctx.body = { data: { ...job, started } };
    },

    async calculationStatus(ctx: any) {
      const id = runId.safeParse(ctx.params.jobId);
      if (!id.success) return badRequest(ctx, zodErrors(id.error, '/params/jobId'));
      const job = await values().job(id.data);
      if (!job) return ctx.notFound(`calculation job ${id.data} not found`);
      ctx.body = { data: job };
    },

    /** 200 with the job cancelled, 202 while a running job stops at its next phase, 409 once it has finished. */
    async cancelCalculation(ctx: any) {
      const id = runId.safeParse(ctx.params.jobId);
      if (!id.success) return badRequest(ctx, zodErrors(id.error, '/params/jobId'));
      const job = await values().cancel(id.data);
      if (!job) return ctx.notFound(`calculation job ${id.data} not found`);
      if (job.status !== 'cancelled' && job.status !== 'running') return ctx.conflict(`calculation job ${id.data} has already finished (${job.status})`);
      ctx.status = job.status === 'running' ? 202 : 200;
      ctx.body = { data: job };
    },

    async migration(ctx: any) {
      const query = migrationQuery.safeParse(ctx.query ?? {});
      if (!query.success) return badRequest(ctx, zodErrors(query.error, '/query'));
      ctx.body = { data: await values().migration(query.data.from, query.data.to) };
    },

    async models(ctx: any) {
      const query = z.object({ run: runId.optional() }).strict().safeParse(ctx.query ?? {});
      if (!query.success) return badRequest(ctx, zodErrors(query.error, '/query'));
      ctx.body = { data: await values().models(query.data.run) };
    },

    async getSettings(ctx: any) {
      ctx.body = { data: await values().getConfig() };
    },

    async updateSettings(ctx: any) {
      const result = await values().updateConfig(ctx.request.body);
      if (!result.success) return badRequest(ctx, result.errors.map((e) => ({ ...e, path: `/body${e.path === '/' ? '' : e.path}` })));
      ctx.body = { data: result.config };
    },
  };
};
