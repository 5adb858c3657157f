import type { ZodTypeAny } from 'zod';
import type { Endpoint, Parsed } from '../../../../shared/contracts/http';
import { pointer, type FieldError } from '../../../../shared/errors';
import { ApiError, zodErrors } from './errors';
import { badText } from './text';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON body; with `wrapped`, `{ "data": { … } }` (the content-API form) is read as its inner object. */
export const bodyOf = (ctx: any, wrapped = false): unknown => {
  const body = ctx.request?.body ?? {};
  return wrapped && isPlainObject(body) && Object.keys(body).length === 1 && isPlainObject(body.data) ? body.data : body;
};

/**
 * Path parameters, query and body parsed with the endpoint's schemas. Every problem is collected
 * (pointers into the part at fault: `/id`, `/pageSize`, `/rule/and/0`) and answered as one 400.
 * An endpoint that declares no query takes none: parameters sent anyway are refused, not ignored.
 * Text holding a NUL character or a lone surrogate is refused anywhere in the request.
 */
export const readRequest = <E extends Endpoint>(ctx: any, endpoint: E): Parsed<E> => {
  // Text no database can store (NUL, lone surrogates) is refused for every route before its schema runs.
  const unstorable = [...badText(ctx.params ?? {}), ...badText(ctx.query ?? {}), ...badText(bodyOf(ctx, endpoint.wrappedBody))];
  if (unstorable.length) throw ApiError.invalid(unstorable);
  const errors: FieldError[] = [];
  const parse = (schema: ZodTypeAny | undefined, value: unknown) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    errors.push(...zodErrors(result.error));
    return undefined;
  };
  const params = parse(endpoint.params, ctx.params ?? {});
  const query = parse(endpoint.query, ctx.query ?? {});
  if (!endpoint.query)
    errors.push(
      ...Object.keys(ctx.query ?? {}).map((key) => ({ path: pointer([key]), message: `unknown query parameter "${key}": this endpoint takes none` }))
    );
  const body = parse(endpoint.body, bodyOf(ctx, endpoint.wrappedBody));
  if (errors.length) throw ApiError.invalid(errors);
  return { params, query, body } as Parsed<E>;
};
