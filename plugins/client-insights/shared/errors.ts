import { z } from 'zod';

/**
 * Strapi's own error envelope, the one answer of every plugin endpoint that refuses a request:
 * `{ data: null, error: { status, name, message, details: { errors: [{ path, message }] } } }`.
 * `path` is a JSON pointer (RFC 6901) into the request body (or the query, or the path parameter it
 * names); `''` means the request as a whole.
 */
export type FieldError = { path: string; message: string };

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const errorEnvelopeSchema = z.object({
  data: z.null(),
  error: z.object({
    status: z.number().int(),
    name: z.string(),
    message: z.string(),
    details: z.object({ errors: z.array(fieldErrorSchema).optional() }).passthrough(),
  }),
});

export type ErrorEnvelope = { data: null; error: { status: number; name: string; message: string; details: { errors: FieldError[] } } };

/** The name Strapi gives each status in its envelope (and ours where Strapi has none). */
export const ERROR_NAMES: Record<number, string> = {
  400: 'ValidationError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  409: 'ConflictError',
  410: 'GoneError',
  413: 'PayloadTooLargeError',
};

const escapeToken = (token: string | number) => String(token).replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** The JSON pointer of a path, e.g. `['rule', 'and', 1, '>=']` → `/rule/and/1/>=`; `[]` → `''`. */
export const pointer = (path: readonly (string | number)[]) => path.map((p) => `/${escapeToken(p)}`).join('');

/** The tokens of a JSON pointer, unescaped. */
export const pointerTokens = (p: string) => (p === '' ? [] : p.slice(1).split('/').map(unescapeToken));

/** `p` relative to `prefix` when it lies under it (`/rule/and/0` under `/rule` → `/and/0`), else null. */
export const pointerUnder = (p: string, prefix: string): string | null => {
  if (p === prefix) return '';
  return p.startsWith(`${prefix}/`) ? p.slice(prefix.length) : null;
};
