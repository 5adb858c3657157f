import type { Knex } from 'knex';
import { startReceiver } from '../automation-channels/receiver';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { byWebhookId, countLogs, drained, keysLoggedTwice, outboxTally, seedWebhookLoad } from './outbox-load';

/**
 * The receiver answers 503 for a stretch, then recovers: every row is delivered, each webhook-id
 * answered 2xx exactly once and never posted again after that, none dead-lettered, and each
 * row's attempts come in backoff order (later and later, the wait growing with the attempt).
 *
 * The stretch is AUTOMATION_OUTAGE_MS (the two minutes: 120000). CI shortens it to 20 s,
 * and then every backoff setting is scaled by the same factor (stretch / 2 min): retryBaseMs
 * 30 s → 5 s, retryCapMs 6 h → 1 h, so a row meets the outage on as many attempts as it would
 * in production. The circuit breaker (tested in automation-channels/http-channels.test.ts) is
 * kept closed here: open, it would answer for the endpoint with its cool-down instead of letting
 * each retry reach the receiver, and the backoff could not be seen there.
 */
const OUTAGE_MS = Number(process.env.AUTOMATION_OUTAGE_MS ?? 20_000);
const SCALE = OUTAGE_MS / 120_000;
// Few, so that a row's wait is its backoff rather than its turn in the queue on a loaded machine.
const ROWS = 40;
const BASE_MS = Math.round(30_000 * SCALE);
const SETTINGS = { workerIntervalMs: 250, batch: 50, concurrency: 8, retryBaseMs: BASE_MS, retryCapMs: Math.round(6 * 3600_000 * SCALE), maxAttempts: 8 };

describe('a receiver down for a while, then back', () => {
  let app: TestApp;
  let knex: Knex;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
  });

  it(`delivers everything once after ${OUTAGE_MS / 1000} s of 503, retries in backoff order`, async () => {
    const key = 'plugin::client-insights.automation';
    app.strapi.config.set(key, { ...app.strapi.config.get(key, {}), ...SETTINGS, circuit: { failures: 1_000_000, cooldownMs: 1 } });
    // The stretch starts with the first request the receiver gets.
    let outageEnds = Infinity;
    receiver.respondWith((at) => {
      if (outageEnds === Infinity) outageEnds = at + OUTAGE_MS;
      return at < outageEnds ? { status: 503 } : null;
    });
    // This process's own worker (started at bootstrap) runs the rows, on the real clock.
    const load = await seedWebhookLoad(app.strapi, { n: ROWS, url: `${receiver.url}/hooks/outage` });
    await drained(knex, load.ruleDoc, OUTAGE_MS + 150_000);

    expect(await countLogs(knex, load.ruleDoc, 'dead')).toBe(0);
    expect(await countLogs(knex, load.ruleDoc, 'sent')).toBe(ROWS);
    expect(await keysLoggedTwice(knex, load.ruleDoc, 'sent')).toEqual([]);
    const tally = await outboxTally(knex, load.ruleDoc);
    expect(Object.keys(tally).every((k) => k.startsWith('done/'))).toBe(true);

    const seen = byWebhookId(receiver.received, load.secret);
    expect([...seen.keys()].sort()).toEqual([...load.keys].sort());
    const attemptsOf = new Map<string, number>(
      (await knex('ci_automation_outbox').where({ rule_doc: load.ruleDoc }).select('idem_key', 'attempts')).map((r: any) => [r.idem_key, Number(r.attempts)])
    );
    // Each retry's log line with its error: a 503, or (rarely, under load) a request that never
    // reached the receiver, e.g. a kept-alive connection the server had just closed.
    const retries = new Map<string, string[]>();
    for (const l of await knex('ci_automation_logs').where({ rule_doc: load.ruleDoc, status: 'retrying' }).orderBy('id').select('idem_key', 'error'))
      retries.set(l.idem_key, [...(retries.get(l.idem_key) ?? []), l.error]);
    // gaps[k]: the waits between attempt k and k+1 of every row that had one.
    const gaps: number[][] = [];
    for (const [id, requests] of seen) {
      // One 2xx, the last request, every one before it a 503 in the outage; one request per recorded attempt.
      expect(requests.map((r) => r.status)).toEqual([...requests.slice(1).map(() => 503), 200]);
      expect(requests.slice(0, -1).every((r) => r.at < outageEnds)).toBe(true);
      // Every attempt recorded once: the 503s the receiver answered, the failures it never saw, the 2xx.
      const logged = retries.get(id) ?? [];
      expect(logged.filter((e) => e === 'answered 503')).toHaveLength(requests.length - 1);
      expect(attemptsOf.get(id)).toBe(logged.length + 1);
      for (let k = 1; k < requests.length; k += 1) {
        const gap = requests[k].at - requests[k - 1].at;
        expect(gap).toBeGreaterThan(0);
        (gaps[k] ??= []).push(gap);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const compared = gaps.map((g, k) => ({ k, n: g?.length ?? 0, mean: g ? Math.round(mean(g)) : 0, max: g ? Math.max(...g) : 0 })).filter((g) => g.n >= 15);
    console.log(
      `[outage] ${ROWS} webhooks, ${OUTAGE_MS} ms of 503 (base ${BASE_MS} ms): ${receiver.received.length} requests, waits by attempt ${JSON.stringify(compared)}, outbox ${JSON.stringify(tally)}`
    );
    // Every row met the outage; full jitter: the wait after attempt k is uniform in
    // [0, base · 2^(k−1)), so its mean doubles with k, and none waited past its ceiling (plus the
    // tick and a loaded machine's slack).
    expect([...seen.values()].every((r) => r.length >= 2)).toBe(true);
    expect(compared.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < compared.length; i += 1) expect(compared[i].mean).toBeGreaterThan(compared[i - 1].mean);
    for (const g of compared) expect(g.max).toBeLessThan(BASE_MS * 2 ** (g.k - 1) + 10_000);
  });
});
