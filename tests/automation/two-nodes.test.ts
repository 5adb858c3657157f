import type { Knex } from 'knex';
import { startReceiver } from '../automation-channels/receiver';
import { dbClient } from '../helpers/databases';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { startNode } from '../segments/nodes';
import { engine } from './engine';
import { byWebhookId, countLogs, drained, keysLoggedTwice, outboxTally, seedWebhookLoad, sleep } from './outbox-load';

/**
 * Two Strapi processes drain one outbox of a few thousand webhook deliveries (PostgreSQL and
 * MariaDB: claims with FOR UPDATE SKIP LOCKED; SQLite has one node). Nobody dies, so every
 * webhook-id must reach the receiver exactly once, and both nodes must have taken rows.
 * delivery.test.ts has the same race between two workers of one process; here they are processes
 * with their own connection pools, as two app nodes are.
 */
const serverDb = dbClient() === 'sqlite' ? describe.skip : describe;
// A few thousand; AUTOMATION_TWO_NODES_ROWS for another size.
const ROWS = Number(process.env.AUTOMATION_TWO_NODES_ROWS ?? 2_000);
const SETTINGS = { workerIntervalMs: 250, batch: 50, concurrency: 8 };
/** Generous for a shared, loaded machine (two nodes drained about 9 rows/s at load 34). */
const TIMEOUT_MS = 10 * 60_000;

serverDb(`two nodes drain one outbox (${dbClient()})`, () => {
  let app: TestApp;
  let knex: Knex;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const nodes: Awaited<ReturnType<typeof startNode>>[] = [];

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
    await engine.worker.stopWorker(app.strapi);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited.catch(() => undefined)));
    await receiver?.close();
    await app?.stop();
  });

  it(
    'delivers every row exactly once between them, both taking part',
    async () => {
      const env = { CI_TEST_AUTOMATION: JSON.stringify(SETTINGS) };
      // Both booted before there is work, so neither drains it alone while the other starts.
      nodes.push(...(await Promise.all([startNode(app, env), startNode(app, env)])));
      const workerIds = nodes.map((n) => n.messages[0].workerId as string);
      const started = Date.now();
      const load = await seedWebhookLoad(app.strapi, { n: ROWS, url: `${receiver.url}/hooks/two-nodes` });

      // Who holds claims while it drains (a finished row no longer names its node).
      const claimers = new Set<string>();
      let watching = true;
      const watch = (async () => {
        while (watching) {
          for (const id of await knex('ci_automation_outbox').where({ rule_doc: load.ruleDoc, status: 'claimed' }).distinct('claimed_by').pluck('claimed_by'))
            claimers.add(id);
          await sleep(50);
        }
      })();
      const tookMs = await drained(knex, load.ruleDoc, TIMEOUT_MS);
      watching = false;
      await watch;
      expect([...claimers].sort()).toEqual([...workerIds].sort());

      expect(await outboxTally(knex, load.ruleDoc)).toEqual({ 'done/1': ROWS });
      expect(await countLogs(knex, load.ruleDoc, 'sent')).toBe(ROWS);
      expect(await keysLoggedTwice(knex, load.ruleDoc, 'sent')).toEqual([]);
      const seen = byWebhookId(receiver.received, load.secret);
      expect([...seen.keys()].sort()).toEqual([...load.keys].sort());
      expect([...seen.values()].filter((requests) => requests.length !== 1)).toEqual([]);
      expect(receiver.received).toHaveLength(ROWS);
      console.log(
        `[two-nodes ${dbClient()}] ${ROWS} webhooks by two processes in ${(tookMs / 1000).toFixed(1)} s (${Math.round(ROWS / (tookMs / 1000))}/s), started ${Date.now() - started} ms ago`
      );
    },
    TIMEOUT_MS + 120_000
  );
});
