import { z, type ZodTypeAny } from 'zod';
import { pointer } from '../errors';
import { isTimeZone, LOCALES } from '../labels';

/**
 * One endpoint of the plugin, declared once: its admin route (`/client-insights` + path), the zod
 * schemas its controller parses the request with, and the schema of a successful answer, which
 * the admin's client checks in development and tests (and the server checks in its tests).
 * A response of `CSV` is a file stream; `HTML` and `GIF` are what a person's browser or mail
 * client loads (the email write-back pages, pixel and redirect), not JSON.
 */
export const CSV = 'text/csv' as const;
export const HTML = 'text/html' as const;
export const GIF = 'image/gif' as const;
/** Plain text (the Prometheus exposition format). */
export const TEXT = 'text/plain' as const;
/** A response that is not JSON: its media type. */
export type MediaResponse = typeof CSV | typeof HTML | typeof GIF | typeof TEXT;
/** Whether the endpoint answers a file or page rather than JSON. */
export const answersMedia = (e: { response: unknown }): e is { response: MediaResponse } => typeof e.response === 'string';

export type Endpoint = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params?: ZodTypeAny;
  query?: ZodTypeAny;
  body?: ZodTypeAny;
  /** The body may also come wrapped Strapi-style, `{ "data": { … } }` (the content-API form). */
  wrappedBody?: boolean;
  response: ZodTypeAny | MediaResponse;
  /** The statuses a success answers with, when not just 200 (under test any other fails). */
  statuses?: readonly number[];
  /**
   * Reads that go to the audit log (writes and file downloads always do): `sensitive`, when the
   * caller sees contact data (who saw which customer's contact data).
   */
  audit?: 'sensitive';
  /** Authenticated by its own bearer token, read from this environment variable, not by Strapi (the route is `auth: false`). */
  bearer?: string;
};

/** Declares an endpoint, keeping its literal types. */
export const endpoint = <const E extends Endpoint>(e: E): E => e;

type Out<S> = S extends ZodTypeAny ? z.output<S> : undefined;
type In<S> = S extends ZodTypeAny ? z.input<S> : undefined;

/** What the controller receives, parsed. */
export type Parsed<E extends Endpoint> = { params: Out<E['params']>; query: Out<E['query']>; body: Out<E['body']> };

/** The successful answer's body. */
export type ResponseOf<E extends Endpoint> = E['response'] extends ZodTypeAny ? z.output<E['response']> : Blob;

/** What a caller sends: path parameters and query values may be numbers or text. */
export type RequestOf<E extends Endpoint> = (E['params'] extends ZodTypeAny
  ? { params: { [K in keyof z.input<E['params']>]: string | number } }
  : { params?: undefined }) &
  (E['query'] extends ZodTypeAny ? { query?: { [K in keyof z.input<E['query']>]?: z.input<E['query']>[K] | string } } : { query?: undefined }) &
  (E['body'] extends ZodTypeAny ? { body: In<E['body']> } : { body?: undefined });

// ---- building blocks of request schemas -------------------------------------------------------

/** Ids are 32-bit integer keys in every supported database: a larger one can name nothing. */
export const MAX_ID = 2_147_483_647;

/** An id in a JSON body. */
export const id = z.number().int().positive().max(MAX_ID);

/** An id in a path parameter or a query string. */
export const idText = z.coerce
  .number({ invalid_type_error: 'a positive integer id' })
  .int('a positive integer id')
  .positive('a positive integer id')
  .max(MAX_ID, `an id of at most ${MAX_ID}`);

/** A path parameter that is an id. */
export const idParams = z.object({ id: idText });

/**
 * A segment (or run) named by id, documentId, key or execution id in a path: the characters a
 * segment key may hold, at most 100; digits alone must be an id in range.
 */
export const refText = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._~-]+$/, 'an id, a documentId or a key')
  .refine((s) => !/^\d+$/.test(s) || (Number(s) >= 1 && Number(s) <= MAX_ID), `a numeric id must be between 1 and ${MAX_ID}`);
export const refParams = z.object({ id: refText });

/** A yes/no: query strings carry booleans as text; JSON bodies may send either. */
export const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ invalid_type_error: 'true or false' }));

/** A date-time with an offset, as ISO-8601 text. */
export const dateTime = z.string().datetime({ offset: true });

/** The query of an endpoint that takes none: anything sent is refused rather than silently ignored. */
export const noQuery = z.object({}).strict();
/** The body of an endpoint that takes none (an empty object is accepted). */
export const noBody = z.object({}).strict();

/**
 * The query of a CSV export: the reader's language (labels and codes; without it, the request's
 * Accept-Language, else English) and time zone of its dates (default UTC).
 */
export const exportQuery = z
  .object({
    locale: z.enum(LOCALES).optional(),
    timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').optional(),
  })
  .strict();

export const pageQuery = (maxPageSize: number, defaultPageSize: number) => ({
  page: z.coerce.number().int().min(1).max(MAX_ID).default(1),
  pageSize: z.coerce.number().int().min(1).max(maxPageSize).default(defaultPageSize),
});

// ---- building blocks of response schemas ------------------------------------------------------
// No transforms or defaults here: a response is checked, never rewritten.

/** ISO-8601 text, as Date values are sent in JSON. */
export const isoDate = z.string();

export const paginationSchema = z.object({ page: z.number(), pageSize: z.number(), pageCount: z.number(), total: z.number() });

/** `{ data: item }`. */
export const dataOf = <S extends ZodTypeAny>(item: S) => z.object({ data: item });

/** `{ data: item[], meta: { pagination } }`. */
export const pageOf = <S extends ZodTypeAny>(item: S) => z.object({ data: z.array(item), meta: z.object({ pagination: paginationSchema }) });

// ---- checking an answer against its contract -------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields `sent` has and the parsed `kept` lost: what the contract does not declare. */
const undeclared = (sent: unknown, kept: unknown, path: (string | number)[] = []): string[] => {
  if (Array.isArray(sent) && Array.isArray(kept)) return sent.flatMap((v, i) => undeclared(v, kept[i], [...path, i]));
  if (isRecord(sent) && isRecord(kept)) {
    return Object.keys(sent).flatMap((k) =>
      k in kept ? undeclared(sent[k], kept[k], [...path, k]) : [`${pointer([...path, k])}: not declared in the contract`]
    );
  }
  return [];
};

/**
 * How a successful answer (as JSON) departs from its endpoint's contract: [] when it matches.
 * `strict` also reports fields the contract does not declare.
 */
export const responseProblems = (e: Endpoint, body: unknown, { strict = false } = {}): string[] => {
  if (answersMedia(e)) return [];
  const result = (e.response as ZodTypeAny).safeParse(body);
  if (!result.success) return result.error.issues.map((i) => `${pointer(i.path) || '/'}: ${i.message}`);
  return strict ? undeclared(body, result.data) : [];
};
