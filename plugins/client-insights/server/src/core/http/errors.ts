import type { ZodError } from 'zod';
import { ApiError, pointer, prefixed, type FieldError } from '../../../../shared/errors';

/** The one error class (shared with the admin's client), which `respond` answers in Strapi's envelope; `prefixed` moves errors under a pointer. */
export { ApiError, prefixed };

/** zod issues as field errors (pointers into the value parsed); each unknown key is named by its own pointer. */
export const zodErrors = (error: ZodError): FieldError[] =>
  error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: pointer([...i.path, key]), message: `unknown field "${key}"` }))
      : [{ path: pointer(i.path), message: i.message }]
  );
