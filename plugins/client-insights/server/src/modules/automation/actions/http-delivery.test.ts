import http from 'http';
import type { AddressInfo } from 'net';
import { deliverHttp, isTransientStatus, retryAfterMs } from './http-delivery';
import { DeliveryError } from './types';

describe('HTTP delivery classification', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  it('reads Retry-After as seconds or an HTTP date, null when absent or unreadable', () => {
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 503, 599].every(isTransientStatus)).toBe(true);
    expect([301, 400, 401, 404, 410, 422].some(isTransientStatus)).toBe(false);
  });
});

describe('deliverHttp against a local HTTP server', () => {
  let server: http.Server;
  let base: string;
  const connections = new Set<unknown>();
  const bodies: string[] = [];
  /** What the server does with the next request. */
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.writeHead(204).end();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        handle(req, res);
      });
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path = '/hook', timeoutMs?: number) =>
    deliverHttp({ url: `${base}${path}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"中文"}' }, new Date(), timeoutMs);
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error as DeliveryError;
    }
    throw new Error('expected a DeliveryError');
  };

  it('delivers the body and reuses one connection for deliveries one after another', async () => {
    handle = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    connections.clear();
    for (let n = 0; n < 3; n += 1) expect(await post()).toEqual({ status: 200 });
    expect(bodies.slice(-3)).toEqual(Array(3).fill('{"a":"中文"}'));
    expect(connections.size).toBe(1);
  });

  it('does not follow a redirect: a 3xx is the request’s fault, permanent', async () => {
    handle = (_req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    const error = await failure(post());
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ message: 'answered 302', transient: false });
  });

  it('honours Retry-After on a 503 and counts a server that does not answer in time as transient', async () => {
    handle = (_req, res) => res.writeHead(503, { 'retry-after': '4' }).end();
    expect(await failure(post())).toMatchObject({ message: 'answered 503', transient: true, retryAfterMs: 4000 });
    handle = () => undefined; // never answers
    expect(await failure(post('/slow', 200))).toMatchObject({ message: 'no answer within 200 ms', transient: true });
  });

  it('names the host, not the URL, when nothing listens there (transient)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(deliverHttp({ url: `http://127.0.0.1:${port}/x?token=secret`, method: 'POST', headers: {}, body: '' }, new Date()));
    expect(error).toMatchObject({ message: `could not connect to 127.0.0.1:${port}`, transient: true });
  });
});
