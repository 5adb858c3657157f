import { ZodError } from 'zod';
import { responseProblems, type Endpoint, type Parsed, type ResponseOf } from '../../../../shared/contracts/http';
import { pointer } from '../../../../shared/errors';
import { ApiError, zodErrors } from './errors';
import { markAudited } from '../audit/documents';
import { auditRequest } from '../audit/requests';
import { readRequest } from './request';
import { viewerOf, type Viewer } from './viewer';

export type Handled<E extends Endpoint> = Parsed<E> & { viewer: Viewer; ctx: any };

/** Under test every answer is checked against its contract, fields it does not declare and its status included. */
const CHECK_RESPONSES = process.env.NODE_ENV === 'test';

/** A refusal as an ApiError: ours, or a zod error a service threw (pointers into what it parsed); null for anything else (a bug). */
export const asApiError = (error: unknown): ApiError | null => {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) return ApiError.invalid(zodErrors(error));
  // Strapi's own ValidationError (e.g. the rule check on every document write, core/security).
  const strapiError = error as { name?: string; message?: string; details?: { errors?: Array<{ path?: unknown; message?: string }> } };
  if (strapiError?.name === 'ValidationError' && Array.isArray(strapiError.details?.errors)) {
    return ApiError.invalid(
      strapiError.details.errors.map((e) => ({ path: Array.isArray(e.path) ? pointer(e.path) : '', message: e.message ?? strapiError.message ?? 'invalid' }))
    );
  }
  return null;
};

/**
 * The one way a plugin endpoint answers: parses the request with the endpoint's contract (400 in
 * Strapi's error envelope, naming each field by JSON pointer), runs `handler`, and answers its
 * result with `status` (or the status chosen for the input and the answer); an ApiError thrown anywhere below becomes its envelope. Anything else is a
 * bug and is left to Strapi (500).
 */
export const respond = async <E extends Endpoint>(
  ctx: any,
  endpoint: E,
  handler: (input: Handled<E>) => unknown,
  status: number | ((input: Handled<E>, body: ResponseOf<E>) => number) = 200
) => {
  const viewer = viewerOf(ctx);
  markAudited(ctx);
  // What the audit log records as asked: the parsed request, or the raw one when it was refused unparsed.
  let asked: { params?: unknown; query?: unknown; body?: unknown } = { params: ctx.params, query: ctx.query, body: ctx.request?.body };
  try {
    const input: Handled<E> = { ...readRequest(ctx, endpoint), viewer, ctx };
    asked = input;
    const body = await handler(input);
    if (CHECK_RESPONSES && typeof endpoint.response !== 'string') {
      const problems = responseProblems(endpoint, JSON.parse(JSON.stringify(body ?? null)), { strict: true });
      if (problems.length) throw new Error(`${endpoint.method} ${endpoint.path} answered outside its contract: ${problems.slice(0, 5).join('; ')}`);
    }
    const answered = typeof status === 'function' ? status(input, body as ResponseOf<E>) : status;
    if (CHECK_RESPONSES && !(endpoint.statuses ?? [200]).includes(answered)) {
      throw new Error(`${endpoint.method} ${endpoint.path} answered ${answered}, a status its contract does not declare`);
    }
    ctx.status = answered;
    ctx.body = body;
  } catch (error) {
    const refusal = asApiError(error);
    if (!refusal) throw error;
    ctx.status = refusal.status;
    ctx.body = refusal.envelope();
  }
  await auditRequest(ctx, endpoint, viewer, { params: asked.params, query: asked.query, body: asked.body }, ctx.status);
};
