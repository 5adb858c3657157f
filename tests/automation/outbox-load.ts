import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { Webhook } from 'standardwebhooks';
import type { Received } from '../automation-channels/receiver';
import { createRule, engine } from './engine';

/**
 * A load of webhook deliveries for the crash, outage and two-node tests: a webhook endpoint on the
 * test's receiver, a one-step rule posting to it, and `n` customers each with a running occurrence
 * and its step "0" due now in the outbox. Written in bulk, the rows startSequence would write
 * (the same idempotency key), because 10,000 startSequence calls would take most of the test's time.
 */
type WebhookLoad = { ruleDoc: string; endpointId: number; secret: string; keys: string[] };

const CHUNK = 500;

export const seedWebhookLoad = async (strapi: Core.Strapi, { n, url, now = new Date() }: { n: number; url: string; now?: Date }): Promise<WebhookLoad> => {
  const knex: Knex = strapi.db.connection;
  const stamp = knex.client.config.client.includes('sqlite') ? now.getTime() : now;
  const endpoint = await strapi
    .plugin('client-insights')
    .service('webhookEndpoints')
    .create({ name: `load-${now.getTime()}`, url, enabled: true }, null);
  const ruleDoc = await createRule(strapi, {
    trigger: { type: 'manual' },
    steps: [{ kind: 'action', action: { type: 'webhook', endpointId: endpoint.id } }],
    guard: { quietHours: false, reentry: { mode: 'every' } },
  });
  const tag = ruleDoc.slice(0, 8);
  const customers = Array.from({ length: n }, (_, i) => ({
    document_id: `load-${tag}-${i}`,
    name: `Load ${i}`,
    stage: 'signed',
    created_at: stamp,
    updated_at: stamp,
    published_at: stamp,
  }));
  await knex.batchInsert('customers', customers, CHUNK);
  const customerIds: number[] = (await knex('customers').where('document_id', 'like', `load-${tag}-%`).pluck('id')).map(Number);
  const triggerKey = `manual:load-${tag}`;
  await knex.batchInsert(
    'ci_automation_occurrences',
    customerIds.map((id) => ({ rule_doc: ruleDoc, version: 1, customer_id: id, trigger_key: triggerKey, state: 'running', test: false, fired_at: stamp })),
    CHUNK
  );
  const occurrences = await knex('ci_automation_occurrences').where({ rule_doc: ruleDoc }).select('id', 'customer_id');
  const rows = occurrences.map((o: any) => ({
    idem_key: engine.sequence.idemKeyOf({ ruleDoc, version: 1, customerId: Number(o.customer_id), occurrenceId: Number(o.id), path: '0' }),
    rule_doc: ruleDoc,
    version: 1,
    occurrence_id: Number(o.id),
    customer_id: Number(o.customer_id),
    step_path: '0',
    status: 'pending',
    due_at: stamp,
    attempts: 0,
    test: false,
    context: JSON.stringify({ event: 'manual', data: {}, afterWait: false }),
    created_at: stamp,
    updated_at: stamp,
  }));
  await knex.batchInsert('ci_automation_outbox', rows, CHUNK);
  return { ruleDoc, endpointId: endpoint.id, secret: endpoint.secret, keys: rows.map((r) => r.idem_key) };
};

/** The load's rows still to run (pending or claimed). */
const openRows = async (knex: Knex, ruleDoc: string) =>
  Number((await knex('ci_automation_outbox').where({ rule_doc: ruleDoc }).whereIn('status', ['pending', 'claimed']).count({ n: '*' }).first())?.n);

/** Outbox rows of the load by status and attempts, e.g. { 'done/1': 10000 }. */
export const outboxTally = async (knex: Knex, ruleDoc: string) => {
  const rows = await knex('ci_automation_outbox').where({ rule_doc: ruleDoc }).groupBy('status', 'attempts').select('status', 'attempts').count({ n: '*' });
  return Object.fromEntries(rows.map((r: any) => [`${r.status}/${Number(r.attempts)}`, Number(r.n)]));
};

/** Idempotency keys with more than one log line of `status` (a step recorded twice). */
export const keysLoggedTwice = (knex: Knex, ruleDoc: string, status: string) =>
  knex('ci_automation_logs').where({ rule_doc: ruleDoc, status }).groupBy('idem_key').havingRaw('count(*) > 1').pluck('idem_key');

export const countLogs = async (knex: Knex, ruleDoc: string, status: string) =>
  Number((await knex('ci_automation_logs').where({ rule_doc: ruleDoc, status }).count({ n: '*' }).first())?.n);

/**
 * What the receiver saw, per webhook-id, after checking every request's Standard Webhooks
 * signature with the endpoint's secret (a request that does not verify throws). Checked after the
 * run, so the timestamp is held against the request's arrival, not against the clock now (the
 * library's verify() would refuse anything older than five minutes).
 */
export const byWebhookId = (received: Received[], secret: string) => {
  const hook = new Webhook(secret);
  const ids = new Map<string, Received[]>();
  for (const r of received) {
    const id = String(r.headers['webhook-id']);
    const signedAt = new Date(Number(r.headers['webhook-timestamp']) * 1000);
    const signatures = String(r.headers['webhook-signature']).split(' ');
    if (!signatures.includes(hook.sign(id, signedAt, r.body))) throw new Error(`request ${id}: the signature does not verify`);
    if (Math.abs(r.at - signedAt.getTime()) > 5 * 60_000)
      throw new Error(`request ${id}: signed ${signedAt.toISOString()}, received ${new Date(r.at).toISOString()}`);
    ids.set(id, [...(ids.get(id) ?? []), r]);
  }
  return ids;
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the load has no open rows (progress every 15 s); the time it took in ms. */
export const drained = async (knex: Knex, ruleDoc: string, timeoutMs: number) => {
  const started = Date.now();
  let told = started;
  while ((await openRows(knex, ruleDoc)) > 0) {
    const claimers = async () =>
      JSON.stringify(
        await knex('ci_automation_outbox').where({ rule_doc: ruleDoc, status: 'claimed' }).groupBy('claimed_by').select('claimed_by').count({ n: '*' })
      );
    if (Date.now() - started > timeoutMs)
      throw new Error(`the outbox was not drained within ${timeoutMs} ms: ${JSON.stringify(await outboxTally(knex, ruleDoc))}, claimed by ${await claimers()}`);
    if (Date.now() - told > 15_000) {
      told = Date.now();
      console.log(`[drain] ${Math.round((told - started) / 1000)} s: ${JSON.stringify(await outboxTally(knex, ruleDoc))}`);
    }
    await sleep(250);
  }
  return Date.now() - started;
};
