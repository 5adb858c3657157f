import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ROOT } from '../helpers/strapi';
import { waitFor } from '../segments/nodes';

/**
 * The compiled engine the app runs (dist), so the test's handler registration and the worker's
 * registry are the same object, and DeliveryError is the class the worker checks.
 */
const dist = (path: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(`${ROOT}/plugins/client-insights/dist/server/src/modules/automation/${path}`);

export const engine = {
  sequence: dist('engine/sequence') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/sequence'),
  worker: dist('engine/worker') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/worker'),
  retry: dist('engine/retry') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/retry'),
  dryRun: dist('engine/steps-dry-run') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/steps-dry-run'),
  logs: dist('engine/logs') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/logs'),
  customer: dist('engine/customer') as typeof import('../../plugins/client-insights/server/src/modules/automation/engine/customer'),
  registry: dist('actions/registry') as typeof import('../../plugins/client-insights/server/src/modules/automation/actions/registry'),
  types: dist('actions/types') as typeof import('../../plugins/client-insights/server/src/modules/automation/actions/types'),
};

/**
 * A real handler for the tests, run by the real worker: registered as the `sms` handler (channel
 * sms: consent and the daily cap apply; external: quiet hours apply). It counts every perform and,
 * like a receiver that deduplicates on the idempotency key, every distinct effect.
 */
export const createProbe = () => {
  const probe = {
    performs: 0,
    effects: new Map<string, number>(),
    /** 'ok', or a failure to throw on every perform. */
    mode: 'ok' as 'ok' | 'transient' | 'permanent' | { retryAfterMs: number } | { deferredMs: number },
    /** When set, a perform waits for it after recording its effect (a node stuck mid-step). */
    gate: null as Promise<void> | null,
    entered: 0,
    delayMs: 0,
    reset() {
      probe.performs = 0;
      probe.effects.clear();
      probe.mode = 'ok';
      probe.gate = null;
      probe.entered = 0;
      probe.delayMs = 0;
    },
  };
  const handler = {
    type: 'sms' as const,
    channel: 'sms' as const,
    external: true,
    async render({ customer }: any) {
      const summary = `SMS to customer ${customer.id}`;
      return { summary: { en: summary, 'zh-Hans': summary, zh: summary }, text: 'hello' };
    },
    async perform({ idemKey }: any) {
      probe.performs += 1;
      if (probe.mode === 'transient') throw new engine.types.DeliveryError('gateway answered 503', true);
      if (probe.mode === 'permanent') throw new engine.types.DeliveryError('gateway answered 400: invalid number', false);
      if (typeof probe.mode === 'object' && 'deferredMs' in probe.mode)
        throw new engine.types.DeliveryDeferred('the rate limit is reached', probe.mode.deferredMs);
      if (typeof probe.mode === 'object') throw new engine.types.DeliveryError('gateway answered 429', true, probe.mode.retryAfterMs);
      probe.effects.set(idemKey, (probe.effects.get(idemKey) ?? 0) + 1);
      probe.entered += 1;
      if (probe.delayMs) await new Promise((r) => setTimeout(r, probe.delayMs));
      if (probe.gate) await probe.gate;
      return { status: 'sent' as const };
    },
  };
  (engine.registry.ACTION_HANDLERS as any).sms = handler;
  return probe;
};

/** Writes an active rule the way automation-api will: the host document and its version 1 snapshot. */
export const createRule = async (strapi: Core.Strapi, definition: Record<string, any>, status = 'active'): Promise<string> => {
  // The engine runs the version row; the host row names the rule and holds its status. Only the
  // lifecycle may make a rule active (the write check refuses it elsewhere), so the status is set
  // below the Document Service, and the host row holds a placeholder definition.
  const doc = await strapi.documents('api::automation-rule.automation-rule').create({
    data: {
      name: `Rule ${Math.random().toString(36).slice(2, 8)}`,
      trigger: { type: 'manual' },
      actions: [{ kind: 'wait', duration: { amount: 1, unit: 'minutes' } }],
      rule_status: 'draft',
    } as any,
  });
  await strapi.db.query('api::automation-rule.automation-rule').update({ where: { documentId: doc.documentId }, data: { rule_status: status } });
  const knex = strapi.db.connection;
  await knex('ci_automation_versions').insert({
    rule_doc: doc.documentId,
    version: 1,
    definition: JSON.stringify(definition),
    high_risk: false,
    created_at: knex.client.config.client.includes('sqlite') ? Date.now() : new Date(),
  });
  return doc.documentId;
};

export const setRuleStatus = (strapi: Core.Strapi, ruleDoc: string, status: string) =>
  strapi.db.connection('automation_rules').where({ document_id: ruleDoc }).update({ rule_status: status });

export const fire = (knex: Knex, ruleDoc: string, customerId: number, triggerKey: string, now: Date, extra: { holdout?: boolean; test?: boolean } = {}) =>
  knex.transaction((trx) => engine.sequence.startSequence(trx, { ruleDoc, version: 1, customerId, triggerKey, context: { event: 'manual' }, now, ...extra }));

export const tick = (strapi: Core.Strapi, now: Date, workerId = 'test-worker') => engine.worker.runDue(strapi, { workerId, now });

/**
 * A tick expected to claim a row: tried again (for up to a second) while it claims nothing. The
 * app's own worker scans the outbox by the real clock, and on MariaDB the row it examines is
 * locked for that instant, so a claim at the same moment skips it (CI saw this once).
 */
export const tickClaiming = (strapi: Core.Strapi, now: Date, workerId = 'test-worker') =>
  waitFor(
    async () => {
      const result = await tick(strapi, now, workerId);
      return result.claimed > 0 && result;
    },
    'a tick that claims a row',
    1000
  );

export const logsOf = async (knex: Knex, ruleDoc: string) =>
  (await knex('ci_automation_logs').where({ rule_doc: ruleDoc }).orderBy('id')).map((r: any) => ({
    status: r.status as string,
    reason: r.reason as string | null,
    step: r.step_path as string | null,
    customer: Number(r.customer_id),
    attempts: Number(r.attempts),
    error: r.error as string | null,
  }));

export const outboxOf = async (knex: Knex, ruleDoc: string) =>
  (await knex('ci_automation_outbox').where({ rule_doc: ruleDoc }).orderBy('id')).map((r: any) => ({
    id: Number(r.id),
    path: r.step_path as string,
    status: r.status as string,
    attempts: Number(r.attempts),
    dueAt: readDue(r.due_at),
    key: r.idem_key as string,
  }));

const readDue = (v: unknown) => {
  if (v instanceof Date) return v;
  if (typeof v === 'number' || /^\d+$/.test(String(v))) return new Date(Number(v));
  const text = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
};

export const at = (iso: string) => new Date(iso);
export const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
