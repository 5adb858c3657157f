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
 * One HTTP delivery: resolves on 2xx; otherwise throws a DeliveryError classified for the engine's
 * retry (transient: timeout, network error, 408/429/5xx with Retry-After honoured; permanent:
 * other statuses). The message names the status, never the body or the URL's query (secrets).
 */
export const deliverHttp = async (request: HttpRequest, now: Date, timeoutMs = HTTP_TIMEOUT_MS): Promise<HttpDelivered> => {
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? undefined : request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new DeliveryError(timedOut ? `no answer within ${timeoutMs} ms` : `could not connect to ${new URL(request.url).host}`, true);
  }
  // The answer's body is not needed; drain it so the connection is reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  if (isTransientStatus(res.status)) {
    throw new DeliveryError(`answered ${res.status}`, true, retryAfterMs(res.headers.get('retry-after'), now) ?? undefined);
  }
  throw new DeliveryError(`answered ${res.status}`, false);
};
