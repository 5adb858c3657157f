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

/** `errors` with their pointers moved under `prefix` (e.g. a rule validator's errors under `/rule`). */
export const prefixed = (prefix: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, path: pointer([...pointerTokens(prefix), ...pointerTokens(e.path)]) }));

/**
 * A refusal, on both sides of the edge: an HTTP status, a message for people and, for bad input,
 * the fields at fault as JSON pointers. The server throws it anywhere below a controller and
 * answers it as its envelope; the admin's client throws it for every refused request.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    name = ERROR_NAMES[status] ?? 'ApplicationError'
  ) {
    super(message);
    this.name = name;
  }

  /** 400 naming the fields at fault; the message lists them. */
  static invalid(errors: FieldError[]) {
    return new ApiError(400, errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ') || 'invalid request', errors);
  }

  static forbidden = (message: string) => new ApiError(403, message);
  static notFound = (message: string) => new ApiError(404, message);
  static conflict = (message: string) => new ApiError(409, message);
  static gone = (message: string) => new ApiError(410, message);

  /** The message for a field (`/name`) or anything under it; undefined when the refusal names none. */
  at(field: string): string | undefined {
    return this.errors.find((e) => pointerUnder(e.path, field) !== null)?.message;
  }

  /** The errors under `prefix`, with pointers relative to it (e.g. a rule's errors under `/rule`). */
  under(prefix: string): FieldError[] {
    return this.errors.flatMap((e) => {
      const path = pointerUnder(e.path, prefix);
      return path === null ? [] : [{ path, message: e.message }];
    });
  }

  envelope(): ErrorEnvelope {
    return { data: null, error: { status: this.status, name: this.name, message: this.message, details: { errors: this.errors } } };
  }
}
