import crypto from 'crypto';
import { pluginRoutes, type PluginRoute } from '../helpers/plugin-routes';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Issue 13, "Done when": at least 1,000 generated hostile requests (text with NUL characters and
 * lone surrogates, ids far out of range, bodies nested thousands of levels, wrong types) across
 * every plugin route, with full rights. No answer may be a 5xx, no write may succeed (each
 * carries something hostile), the server must stay up, and the data must be unchanged.
 * Deterministic: a seeded generator, so a failure replays with the same requests.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 14);

/** mulberry32: a small seeded generator. */
const generator = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * Raw JSON text fragments: a lone surrogate can only be sent as an escape in JSON text. `%00` is
 * only hostile in a URL; in JSON it is plain text, so here it comes with a real NUL (on its own,
 * two of them made a valid segment once the route list grew).
 */
const HOSTILE_TEXT = ['"a\\u0000b"', '"\\ud800"', '"x\\udfff"', '"\\u0000"', `"${'k'.repeat(5000)}"`, '"%00\\u0000"', '"\\ud800\\u0000"'];
const HOSTILE_NUMBERS = ['2147483648', '99999999999999999999', '-1', '0', '1e308', '-0', '1.5', '1e20'];
const WRONG_TYPES = ['[]', '{}', 'null', 'true', '"text"', '[1,2,3]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}'];
/** In a path: text no id, key or documentId can be. */
const HOSTILE_PARAMS = [
  '2147483648',
  '99999999999999999999',
  '-1',
  '0',
  '1e20',
  '1.5',
  'NaN',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%C0%AF',
  'k'.repeat(300),
  '..%2F..%2Fetc',
  'a%20b',
];
const HOSTILE_QUERY = [
  'page=1e20',
  'pageSize=-1',
  'q=%00',
  'q=%ED%A0%80',
  'id=99999999999999999999',
  'customerIds=2147483648',
  'customerIds=1,2,%00',
  '__proto__[x]=1',
  'page[0]=1',
  'sort=%00',
  'pageSize=99999999999999999999',
  'segment=a%00b',
];

const deep = (levels: number, leaf: string) => `${'{"and":['.repeat(levels)}${leaf}${']}'.repeat(levels)}`;
const deepArray = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** A JSON body (as text) with at least one hostile part. */
const hostileBody = (random: () => number): string => {
  const hostile = () => {
    const kind = Math.floor(random() * 5);
    if (kind === 0) return pick(random, HOSTILE_TEXT);
    if (kind === 1) return pick(random, HOSTILE_NUMBERS);
    if (kind === 2) return pick(random, WRONG_TYPES);
    if (kind === 3) return deep(100 + Math.floor(random() * 5000), '{"==":[{"var":"customer.name"},"x"]}');
    return deepArray(100 + Math.floor(random() * 3000));
  };
  const field = pick(random, [
    'rule',
    'name',
    'description',
    'schedule',
    'slug',
    'customerIds',
    'source',
    'target',
    'tagId',
    'segment',
    'filter',
    'data',
    'x\\u0000',
    '\\ud800',
    'q',
    'now',
    'sampleSize',
    'change',
  ]);
  const shape = Math.floor(random() * 4);
  if (shape === 0) return `{"${field}":${hostile()}}`;
  if (shape === 1) return `{"data":{"${field}":${hostile()},"name":${pick(random, HOSTILE_TEXT)}}}`;
  if (shape === 2) return `{"rule":{"in":[{"var":"customer.region"},[${pick(random, HOSTILE_TEXT)}]]},"name":${pick(random, HOSTILE_TEXT)}}`;
  // A whole body of `{}` is no attack (a route without a body takes it): the next wrong type instead.
  const whole = hostile();
  return whole === '{}' ? 'null' : whole;
};

type Sent = { method: string; url: string; body?: string; as: PluginRoute['as'] };

/** One hostile request to `route`: a hostile path parameter when it has one, else a hostile query (reads) or body (writes). */
const hostileRequest = (random: () => number, route: PluginRoute): Sent => {
  const hasParams = /:\w+/.test(route.path);
  const path = route.path.replace(/:(\w+)/g, () => pick(random, HOSTILE_PARAMS));
  const write = route.method !== 'GET' && route.method !== 'DELETE';
  const query = !hasParams && !write ? `?${pick(random, HOSTILE_QUERY)}` : random() < 0.3 ? `?${pick(random, HOSTILE_QUERY)}` : '';
  return { method: route.method, url: `${path}${query}`, body: write ? hostileBody(random) : undefined, as: route.as };
};

/** A fingerprint of the data every route could change. */
const checksum = async (app: TestApp) => {
  const knex = app.strapi.db.connection;
  const hash = crypto.createHash('sha256');
  for (const table of ['customers', 'segments', 'tags', 'ci_customer_tags', 'ci_segment_runs', 'ci_segment_current', 'ci_jobs', 'ci_customer_metrics']) {
    const rows = await knex(table).select('*').orderByRaw('1');
    hash.update(`${table}:${JSON.stringify(rows)}`);
  }
  return hash.digest('hex');
};

describe('fuzz: hostile requests to every plugin route', () => {
  let app: TestApp;
  let admin: string;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    token = await apiToken(app);
    const customers = app.strapi.documents('api::customer.customer');
    for (const name of ['Ann', 'Bob', 'Cy', 'Dee']) await customers.create({ data: { name, stage: 'consultation' } as any });
    const post = (path: string, body: unknown) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/client-insights/tags', { name: 'Fuzz A', category: 'basic' });
    await post('/client-insights/tags', { name: 'Fuzz B', category: 'basic' });
    await post('/client-insights/segments', { name: 'Fuzz seg', rule: { '==': [{ var: 'customer.stage' }, 'consultation'] }, execute: true });
  });
  afterAll(async () => app?.stop());

  it('answers no 5xx to 1,000+ generated hostile requests, stays up, and changes no data', async () => {
    const routes = pluginRoutes(app);
    const random = generator(SEED);
    const before = await checksum(app);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const batch = routes.map((route) => hostileRequest(random, route));
      // A few at once: concurrency is part of the hostility, and it keeps the run short.
      for (let i = 0; i < batch.length; i += 4) {
        await Promise.all(
          batch.slice(i, i + 4).map(async (r) => {
            const res = await fetch(`${app.url}${r.url}`, {
              method: r.method,
              headers: { authorization: `Bearer ${r.as === 'admin' ? admin : token}`, 'content-type': 'application/json' },
              body: r.body,
            });
            const text = await res.text();
            sent += 1;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            // A read may succeed (a query parameter its schema does not name is ignored); a write may not.
            const wrote = r.method !== 'GET' && res.status >= 200 && res.status < 300;
            if (res.status >= 500 || wrote)
              failures.push(`${r.method} ${r.url.slice(0, 120)} ${r.body ? `body ${r.body.slice(0, 120)}` : ''} → ${res.status} ${text.slice(0, 200)}`);
          })
        );
      }
    }
    const elapsed = Date.now() - started;
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(failures).toEqual([]);
    // Still up, and nothing written.
    const alive = await fetch(`${app.url}/client-insights/segments`, { headers: { authorization: `Bearer ${admin}` } });
    expect(alive.status).toBe(200);
    expect(await checksum(app)).toBe(before);
    console.info(`fuzz: ${sent} requests in ${elapsed} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
