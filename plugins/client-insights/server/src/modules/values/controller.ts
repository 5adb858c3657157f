import type { Core } from '@strapi/strapi';
import { valuesApi } from '../../../../shared/contracts/values';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { canCreateTasks, seesContact } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { CARD_TASK_FIELDS } from './card-tasks';

/** Value-model endpoints; the same actions serve the content API and the admin routes. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const values = () => getService(strapi, 'values');
  return {
    customerScore: (ctx) =>
      respond(ctx, valuesApi.customerScore, async ({ params }) => {
        const result = await values().customerScore(params.id);
        if (!result.found) throw ApiError.notFound(`customer ${params.id} not found`);
        // A customer not yet scored: null (every score.* field of a rule is null for them).
        return { data: result.score };
      }),

    rfmMatrix: (ctx) => respond(ctx, valuesApi.rfmMatrix, async () => ({ data: await values().matrix() })),

    calculate: (ctx) =>
      respond(
        ctx,
        valuesApi.calculate,
        async ({ viewer }) => {
          const { job, started } = await values().calculate(viewer.kind);
          return { data: { ...job, started } };
        },
        202
      ),

    calculationStatus: (ctx) =>
      respond(ctx, valuesApi.calculationStatus, async ({ params }) => {
        const job = await values().job(params.jobId);
        if (!job) throw ApiError.notFound(`calculation job ${params.jobId} not found`);
        return { data: job };
      }),

    /** 200 with the job cancelled, 202 while a running job stops at its next phase, 409 once it has finished. */
    cancelCalculation: (ctx) =>
      respond(
        ctx,
        valuesApi.cancelCalculation,
        async ({ params }) => {
          const job = await values().cancel(params.jobId);
          if (!job) throw ApiError.notFound(`calculation job ${params.jobId} not found`);
          if (job.status !== 'cancelled' && job.status !== 'running')
            throw ApiError.conflict(`calculation job ${params.jobId} has already finished (${job.status})`);
          return { data: job };
        },
        (_, { data }) => (data.status === 'running' ? 202 : 200)
      ),

    cards: (ctx) => respond(ctx, valuesApi.cards, async () => ({ data: await values().cards() })),

    groups: (ctx) => respond(ctx, valuesApi.groups, async ({ query, viewer }) => ({ data: await values().group(query, seesContact(viewer)) })),

    /** 201 with the tasks created, 200 when the card already got them today. */
    cardTasks: (ctx) =>
      respond(
        ctx,
        valuesApi.cardTasks,
        async ({ body, viewer }) => {
          if (!canCreateTasks(ctx, CARD_TASK_FIELDS))
            throw ApiError.forbidden('creating follow-up tasks needs the permission to create Tasks (content manager)');
          return { data: await values().createCardTasks(body, viewer.kind === 'admin' ? viewer.userId : null) };
        },
        (_, { data }) => (data.repeated ? 200 : 201)
      ),

    migration: (ctx) => respond(ctx, valuesApi.migration, async ({ query }) => ({ data: await values().migration(query.from, query.to) })),

    models: (ctx) => respond(ctx, valuesApi.models, async ({ query }) => ({ data: await values().models(query.run) })),

    getSettings: (ctx) => respond(ctx, valuesApi.getSettings, async () => ({ data: await values().getConfig() })),

    updateSettings: (ctx) =>
      respond(ctx, valuesApi.updateSettings, async ({ body }) => {
        const result = await values().updateConfig(body);
        if (!result.success) throw ApiError.invalid(result.errors);
        return { data: result.config };
      }),
  };
};
