import type { ZodError } from 'zod';
import { ERROR_NAMES, pointer, pointerTokens, type ErrorEnvelope, type FieldError } from '../../../../shared/errors';

/**
 * A refusal: an HTTP status, a message for people and, for bad input, the fields at fault as JSON
 * pointers. Thrown anywhere below a controller; `respond` answers it in Strapi's error envelope.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = []
  ) {
    super(message);
    this.name = ERROR_NAMES[status] ?? 'ApplicationError';
  }

  /** 400 naming the fields at fault; the message lists them. */
  static invalid(errors: FieldError[]) {
    return new ApiError(400, errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ') || 'invalid request', errors);
  }

  static forbidden = (message: string) => new ApiError(403, message);
  static notFound = (message: string) => new ApiError(404, message);
  static conflict = (message: string) => new ApiError(409, message);
  static gone = (message: string) => new ApiError(410, message);

  envelope(): ErrorEnvelope {
    return { data: null, error: { status: this.status, name: this.name, message: this.message, details: { errors: this.errors } } };
  }
}

/** Errors with their pointers moved under `prefix` (e.g. a rule's errors under `/rule`). */
export const under = (prefix: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, path: pointer([...pointerTokens(prefix), ...pointerTokens(e.path)]) }));

/** zod issues as field errors (pointers into the value parsed); each unknown key is named by its own pointer. */
export const zodErrors = (error: ZodError): FieldError[] =>
  error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((key) => ({ path: pointer([...i.path, key]), message: `unknown field "${key}"` })) : [{ path: pointer(i.path), message: i.message }]
  );
