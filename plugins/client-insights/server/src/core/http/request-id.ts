import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's own id is kept when it is plain (a proxy's trace id); anything else is replaced. */
const PLAIN_ID = /^[A-Za-z0-9._:-]{8,100}$/;

const requestIdOf = (strapi: Core.Strapi): string | undefined => (strapi.requestContext?.get() as any)?.state?.requestId;

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every request gets an id: answered in the `X-Request-Id` header, in every error answer's
 * `error.details.requestId`, and prefixed to every warning and error logged while the request
 * runs (Strapi's own 500 log included), so a refusal a user reports leads to its log lines.
 * Mounted before Strapi's middlewares (it runs outermost), so it sees the error envelope they write.
 */
export const useRequestIds = (strapi: Core.Strapi) => {
  strapi.server.use(async (ctx: any, next: () => Promise<unknown>) => {
    const incoming = ctx.get(REQUEST_ID_HEADER);
    const id = PLAIN_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set(REQUEST_ID_HEADER, id);
    await next();
    if (ctx.status >= 400 && isRecord(ctx.body) && isRecord(ctx.body.error)) {
      const error = ctx.body.error;
      error.details = { ...(isRecord(error.details) ? error.details : {}), requestId: id };
    }
  });
  for (const level of ['error', 'warn'] as const) {
    const original = strapi.log[level].bind(strapi.log) as (...args: unknown[]) => unknown;
    (strapi.log as any)[level] = (message: unknown, ...rest: unknown[]) => {
      const id = requestIdOf(strapi);
      if (!id) return original(message, ...rest);
      const text = message instanceof Error ? (message.stack ?? message.message) : message;
      return original(`[request ${id}] ${text}`, ...rest);
    };
  }
};
