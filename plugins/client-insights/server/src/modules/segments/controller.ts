import type { Core } from '@strapi/strapi';
import { ZodError, type ZodTypeAny, type z } from 'zod';
import { getService } from '../../get-service';
import { SegmentApiError } from './errors';
import {
  createSegmentSchema,
  executeSchema,
  exportSchema,
  membersQuerySchema,
  pageSchema,
  primaryQuerySchema,
  resultsQuerySchema,
  updateSegmentSchema,
  zodErrors,
} from './schemas';
import { viewerOf } from './visibility';

/** Accepts the body bare or wrapped Strapi-style in `{ data: … }`. */
const bodyOf = (ctx: any) => {
  const body = ctx.request.body ?? {};
  return body && typeof body === 'object' && !Array.isArray(body) && body.data && typeof body.data === 'object' && Object.keys(body).length === 1 ? body.data : body;
};

const parse = <S extends ZodTypeAny>(schema: S, value: unknown): z.infer<S> => schema.parse(value ?? {});

const handle = async (ctx: any, fn: () => Promise<unknown>, status = 200) => {
  try {
    const result = await fn();
    ctx.status = status;
    ctx.body = result;
  } catch (error) {
    if (error instanceof ZodError) {
      ctx.status = 400;
      ctx.body = { errors: zodErrors(error) };
    } else if (error instanceof SegmentApiError) {
      ctx.status = error.status;
      ctx.body = error.errors ? { errors: error.errors } : { error: { status: error.status, message: error.message } };
    } else throw error;
  }
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const segments = () => getService(strapi, 'segments');
  return {
    list: (ctx) => handle(ctx, () => segments().list(viewerOf(ctx), parse(pageSchema, ctx.query))),
    create: (ctx) => handle(ctx, async () => ({ data: await segments().create(viewerOf(ctx), parse(createSegmentSchema, bodyOf(ctx))) }), 201),
    get: (ctx) => handle(ctx, async () => ({ data: await segments().get(viewerOf(ctx), ctx.params.id) })),
    update: (ctx) => handle(ctx, async () => ({ data: await segments().update(viewerOf(ctx), ctx.params.id, parse(updateSegmentSchema, bodyOf(ctx))) })),
    remove: (ctx) => handle(ctx, async () => ({ data: await segments().remove(viewerOf(ctx), ctx.params.id) })),
    async execute(ctx) {
      let wait = true;
      await handle(ctx, async () => {
        const options = parse(executeSchema, bodyOf(ctx));
        wait = options.wait;
        return { data: await segments().execute(viewerOf(ctx), ctx.params.id, options) };
      });
      if (ctx.status === 200 && !wait) ctx.status = 202;
    },
    results: (ctx) => handle(ctx, () => segments().results(viewerOf(ctx), parse(resultsQuerySchema, ctx.query))),
    result: (ctx) => handle(ctx, async () => ({ data: await segments().result(viewerOf(ctx), ctx.params.id) })),
    resultCustomers: (ctx) =>
      handle(ctx, () => {
        const q = parse(membersQuerySchema, ctx.query);
        return segments().resultCustomers(viewerOf(ctx), ctx.params.id, q.change, q);
      }),
    async exportResult(ctx) {
      await handle(ctx, async () => {
        const { change } = parse(exportSchema, bodyOf(ctx));
        const stream = await segments().exportCsv(viewerOf(ctx), ctx.params.id, change);
        ctx.set('content-type', 'text/csv; charset=utf-8');
        ctx.set('content-disposition', `attachment; filename="segment-result-${String(ctx.params.id).replace(/[^A-Za-z0-9-]/g, '')}${change ? `-${change}` : ''}.csv"`);
        return stream;
      });
    },
    currentCustomers: (ctx) => handle(ctx, () => segments().currentCustomers(viewerOf(ctx), ctx.params.id, parse(pageSchema, ctx.query))),
    tree: (ctx) => handle(ctx, async () => ({ data: await segments().tree(viewerOf(ctx)) })),
    primary: (ctx) => handle(ctx, async () => ({ data: await segments().primary(viewerOf(ctx), parse(primaryQuerySchema, ctx.query).customerIds) })),
  };
};
