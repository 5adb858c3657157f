import http from 'http';
import https from 'https';
import { DeliveryError } from './types';

/** How long an HTTP delivery (webhook, gateway) may take before it counts as a transient failure. */
export const HTTP_TIMEOUT_MS = 10_000;

export type HttpRequest = { url: string; method: string; headers: Record<string, string>; body: string };
export type HttpDelivered = { status: number };

/** Retry-After as milliseconds from `now`: seconds or an HTTP date; null when absent or unreadable. */
export const retryAfterMs = (header: string | null, now: Date): number | null => {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
};

/** 408, 429 and 5xx are worth retrying; any other 4xx (and 3xx: redirects are not followed) is the request's fault. */
export const isTransientStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Connections kept open between deliveries, per protocol. Node's http client rather than fetch:
 * fetch (undici, web streams) cost about a fifth of the worker's CPU per webhook, and the worker's
 * one thread was what limited webhooks per second.
 */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) } as const;

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? (value[0] ?? null) : (value ?? null));

/** Sends the request, reads the answer to its end (the connection is then reused), answers its status and Retry-After. */
const exchange = (request: HttpRequest, timeoutMs: number) =>
  new Promise<{ status: number; retryAfter: string | null }>((resolve, reject) => {
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeliveryError(`cannot deliver to a ${url.protocol} address`, false);
    const body = request.method === 'GET' ? null : Buffer.from(request.body);
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: request.method,
        headers: body ? { ...request.headers, 'content-length': String(body.length) } : request.headers,
        agent: AGENTS[url.protocol],
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: headerText(res.headers['retry-after']) }));
        res.resume();
      }
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });

/**
 * One HTTP delivery: resolves on 2xx; otherwise throws a DeliveryError classified for the engine's
 * retry (transient: timeout, network error, 408/429/5xx with Retry-After honoured; permanent:
 * other statuses, and redirects, which are not followed). The message names the status, never
 * the body or the URL's query (secrets).
 */
export const deliverHttp = async (request: HttpRequest, now: Date, timeoutMs = HTTP_TIMEOUT_MS): Promise<HttpDelivered> => {
  let answer: { status: number; retryAfter: string | null };
  try {
    answer = await exchange(request, timeoutMs);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    const name = (error as Error)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new DeliveryError(timedOut ? `no answer within ${timeoutMs} ms` : `could not connect to ${new URL(request.url).host}`, true);
  }
  const { status } = answer;
  if (status >= 200 && status < 300) return { status };
  if (isTransientStatus(status)) throw new DeliveryError(`answered ${status}`, true, retryAfterMs(answer.retryAfter, now) ?? undefined);
  throw new DeliveryError(`answered ${status}`, false);
};
