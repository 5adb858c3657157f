import { answersMedia, responseProblems, type Endpoint, type RequestOf, type ResponseOf } from '../../../shared/contracts/http';
import { ApiError, pointer } from '../../../shared/errors';
import { PLUGIN_ID } from '../../../shared/permissions';

/**
 * The admin's one API client, typed by shared/contracts. Every refusal (Strapi's fetch client
 * throws on an error status) becomes the shared ApiError carrying the server's status, message
 * and field errors; every answer is checked against its contract in development and tests, so a
 * server that drifts from the contract fails loudly instead of drawing wrong numbers.
 */
export { ApiError };

/** Answers are checked against their contracts except in a production build (the bundler replaces NODE_ENV). */
const CHECK_RESPONSES = (() => {
  try {
    return process.env.NODE_ENV !== 'production';
  } catch {
    return true;
  }
})();

/** What Strapi's fetch client offers (useFetchClient / getFetchClient). */
export type FetchClient = {
  get: (url: string, options?: any) => Promise<{ data: any }>;
  post: (url: string, body?: any, options?: any) => Promise<{ data: any }>;
  put: (url: string, body?: any, options?: any) => Promise<{ data: any }>;
  del: (url: string, options?: any) => Promise<{ data: any }>;
};

/** The admin-route URL of an endpoint, path parameters filled in. */
export const urlOf = (endpoint: Endpoint, params: Record<string, string | number> = {}) =>
  `/${PLUGIN_ID}${endpoint.path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(String(params[key] ?? '')))}`;

/**
 * An ApiError from an error body: Strapi's envelope (ours carry JSON pointers; Strapi's own
 * validation errors carry path arrays, read as pointers too), or the status alone.
 */
export const errorFromBody = (status: number, body: unknown, fallback = `HTTP ${status}`): ApiError => {
  const error = (body as { error?: { status?: number; name?: unknown; message?: unknown; details?: { errors?: unknown } } } | null)?.error;
  if (!error || typeof error.message !== 'string') return new ApiError(status, fallback);
  const errors = Array.isArray(error.details?.errors)
    ? error.details.errors.map((e: { path?: unknown; message?: unknown }) => ({
        path: Array.isArray(e?.path) ? pointer(e.path) : typeof e?.path === 'string' ? e.path : '',
        message: String(e?.message ?? ''),
      }))
    : [];
  return new ApiError(error.status || status, error.message || fallback, errors, typeof error.name === 'string' ? error.name : undefined);
};

/** Whatever the fetch client threw, as an ApiError (an abort is passed on as it is). */
export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error;
  const e = error as { name?: string; status?: number; message?: string; response?: { data?: unknown } };
  if (e?.response?.data !== undefined) return errorFromBody(e.status ?? 0, e.response.data, e.message);
  return new ApiError(e?.status ?? 0, e?.message ?? String(error));
};

/** The query as encoded text (Strapi's fetch client leaves its params object unencoded). */
const queryString = (query: Record<string, unknown> = {}) =>
  new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined || v === null || v === '' ? [] : [[k, String(v)]]))).toString() || undefined;

export const isAbort = (error: unknown) => (error as { name?: string })?.name === 'AbortError';

export const createClient = (fetch: FetchClient, { check = CHECK_RESPONSES } = {}) => ({
  /** Calls the endpoint; resolves with its answer's body, or throws an ApiError. */
  async request<E extends Endpoint>(endpoint: E, input: RequestOf<E>, { signal }: { signal?: AbortSignal } = {}): Promise<ResponseOf<E>> {
    if (answersMedia(endpoint)) throw new Error(`${endpoint.path} answers a file: use downloadCsv`);
    const url = urlOf(endpoint, input.params as Record<string, string | number> | undefined);
    const options = { params: queryString(input.query as Record<string, unknown> | undefined), signal };
    let res: { data: unknown };
    try {
      if (endpoint.method === 'GET') res = await fetch.get(url, options);
      else if (endpoint.method === 'DELETE') res = await fetch.del(url, options);
      else res = await (endpoint.method === 'PUT' ? fetch.put : fetch.post)(url, input.body ?? {}, options);
    } catch (error) {
      if (isAbort(error)) throw error;
      throw toApiError(error);
    }
    if (check) {
      const problems = responseProblems(endpoint, res.data);
      if (problems.length) throw new ApiError(0, `${endpoint.method} ${endpoint.path} answered outside its contract: ${problems.slice(0, 3).join('; ')}`);
    }
    return res.data as ResponseOf<E>;
  },
});

export type ApiClient = ReturnType<typeof createClient>;

/**
 * Downloads a CSV endpoint's file (Strapi's fetch client reads only JSON from a POST), its query
 * (the reader's language and time zone) in the URL; a refusal is read from its JSON envelope like any other.
 */
export const downloadCsv = async <E extends Endpoint>(endpoint: E, input: RequestOf<E>, token: string | null, backendURL = ''): Promise<Blob> => {
  const query = queryString(input.query as Record<string, unknown> | undefined);
  const res = await globalThis.fetch(
    `${backendURL}${urlOf(endpoint, input.params as Record<string, string | number> | undefined)}${query ? `?${query}` : ''}`,
    {
      method: endpoint.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: endpoint.method === 'GET' ? undefined : JSON.stringify(input.body ?? {}),
    }
  );
  if (!res.ok) {
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: the status says it */
    }
    throw errorFromBody(res.status, body, text || `HTTP ${res.status}`);
  }
  return res.blob();
};
