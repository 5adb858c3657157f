import type { Core } from '@strapi/strapi';
import { ZodError, type ZodTypeAny, type z } from 'zod';
import { getService } from '../../get-service';
import { bulkSchema, createTagSchema, listQuerySchema, mergeSchema, updateTagSchema, zodErrors } from './schemas';
import { TagApiError } from './service';

const parse = <S extends ZodTypeAny>(schema: S, value: unknown): z.infer<S> => schema.parse(value ?? {});
const idParam = (ctx: any, name = 'id') => {
  const id = Number(ctx.params[name]);
  if (!Number.isInteger(id) || id <= 0) throw new TagApiError(400, `"${ctx.params[name]}" is not an id`, [{ path: `/${name}`, message: 'a positive integer id' }]);
  return id;
};

/** 400 with JSON-pointer errors for bad input, the service's status for refusals. */
export const handle = async (ctx: any, fn: () => Promise<unknown>, status = 200) => {
  try {
    const data = await fn();
    ctx.status = status;
    ctx.body = { data };
  } catch (error) {
    if (error instanceof ZodError) {
      ctx.status = 400;
      ctx.body = { errors: zodErrors(error) };
    } else if (error instanceof TagApiError) {
      ctx.status = error.status;
      ctx.body = error.errors ? { errors: error.errors } : { error: { status: error.status, message: error.message } };
    } else throw error;
  }
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tags = () => getService(strapi, 'tags');
  return {
    list: (ctx) => handle(ctx, () => tags().list(parse(listQuerySchema, ctx.query))),
    get: (ctx) => handle(ctx, () => tags().get(idParam(ctx))),
    create: (ctx) => handle(ctx, () => tags().create(parse(createTagSchema, ctx.request.body)), 201),
    update: (ctx) => handle(ctx, async () => tags().update(idParam(ctx), parse(updateTagSchema, ctx.request.body))),
    merge: (ctx) =>
      handle(ctx, async () => {
        const { source, target } = parse(mergeSchema, ctx.request.body);
        return tags().merge(source, target);
      }),
    bulk: (ctx) => handle(ctx, async () => tags().bulk(idParam(ctx), parse(bulkSchema, ctx.request.body))),
    runRule: (ctx) => handle(ctx, async () => tags().runRule(idParam(ctx))),
  };
};
