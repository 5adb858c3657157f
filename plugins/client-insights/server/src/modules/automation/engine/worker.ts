import { randomBytes } from 'crypto';
import { hostname } from 'os';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AutomationDefinition } from '../../../../../shared/contracts/automation-definition';
import type { OutboxStatus, SkipReason } from '../../../../../shared/enums';
import { bindDate, claimTransaction, skipLockedClaim } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { handlerFor } from '../actions/registry';
import type { ActionContext, ActionCustomer, ActionHandler } from '../actions/types';
import { loadActionCustomer, loadActionCustomers } from './customer';
import { createFinisher, type Finish } from './finish-batch';
import { loadVersion } from './versions';
import { actionBlock, factsJudge, releaseCapSlot, ruleState, sequenceStop, takeCapSlot, type RuleState } from './guards';
import { writeLog, type LogEntry } from './logs';
import { failureDecision } from './retry';
import { contextOf, type StepRow } from './sequence';
import { automationSettings, type AutomationSettings } from './settings';
import { advance, branchPath, nextPath, quietHoursEnd, stepAt } from './steps';

/**
 * The outbox worker. Every node runs one: each tick it claims due rows (FOR UPDATE SKIP LOCKED on
 * PostgreSQL and MariaDB, so nodes never claim the same row; SQLite has one node), leasing them
 * until claimed_until, and runs their steps. A node that dies leaves its rows claimed; once the
 * lease has passed another node claims them again. Whatever a step ends in (done, skipped,
 * retrying, dead, cancelled) is written with the next step's row and the log line in one
 * transaction, and only while this node still holds the claim.
 */

export type OutboxRow = {
  id: number;
  idem_key: string;
  rule_doc: string;
  version: number;
  occurrence_id: number;
  customer_id: number;
  step_path: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  test: boolean;
  context: unknown;
};

const toRow = (r: any): OutboxRow => ({
  ...r,
  id: Number(r.id),
  version: Number(r.version),
  occurrence_id: Number(r.occurrence_id),
  customer_id: Number(r.customer_id),
  attempts: Number(r.attempts),
  test: Boolean(r.test),
});

/**
 * Claims up to `batch` due rows for `workerId`: rows pending and due, then rows claimed by a node
 * whose lease has passed. Two statements, each a range of one index read in order, so a locking
 * read (MariaDB locks what it scans) touches only the rows it takes and claimers do not skip past
 * each other's whole scan.
 */
export const claimDue = async (
  knex: Knex,
  { workerId, now, leaseMs, batch }: { workerId: string; now: Date; leaseMs: number; batch: number }
): Promise<OutboxRow[]> =>
  knex.transaction(async (trx) => {
    const at = bindDate(trx, now) as any;
    const pick = (status: 'pending' | 'claimed', column: 'due_at' | 'claimed_until', limit: number) =>
      skipLockedClaim(
        trx,
        trx(TABLES.automationOutbox)
          .select('id')
          .where('status', status)
          .andWhere(column, status === 'pending' ? '<=' : '<', at)
          .orderBy(column)
          .limit(limit)
      );
    const ids = (await pick('pending', 'due_at', batch)).map((r: any) => Number(r.id));
    if (ids.length < batch) ids.push(...(await pick('claimed', 'claimed_until', batch - ids.length)).map((r: any) => Number(r.id)));
    if (ids.length === 0) return [];
    await trx(TABLES.automationOutbox)
      .whereIn('id', ids)
      .update({ status: 'claimed', claimed_by: workerId, claimed_until: bindDate(trx, new Date(now.getTime() + leaseMs)), updated_at: at });
    return (await trx(TABLES.automationOutbox).whereIn('id', ids).orderBy('due_at')).map(toRow);
  }, claimTransaction(knex));

type Env = {
  strapi: Core.Strapi;
  knex: Knex;
  workerId: string;
  now: Date;
  settings: AutomationSettings;
  /** Read once per tick: a batch's rows share few rules. */
  definitions: Map<string, Promise<AutomationDefinition | null>>;
  rules: Map<string, Promise<RuleState>>;
  /** The claimed rows' occurrences, read in one statement. */
  occurrences: Map<number, { trigger_key: string; state: string }>;
  /** The claimed rows' customers, read together; each used once (a customer's second row reads afresh, after the first's effects). */
  customers: Map<number, ActionCustomer | null>;
  /** Writes outcomes together (finish-batch.ts). */
  finish: (rowId: number, occurrenceId: number, finish: Finish) => Promise<boolean>;
};

type FinishLog = Omit<LogEntry, 'ruleDoc' | 'version' | 'occurrenceId' | 'customerId' | 'at'>;

/** Steps a worker ran, by how each ended (for tests and the benchmark). */
export type TickResult = { claimed: number; lost: number };

const runRow = async (env: Env, row: OutboxRow): Promise<boolean> => {
  const { strapi, knex, workerId, now, settings } = env;
  const mine = (q: Knex.QueryBuilder) => q.where({ id: row.id, status: 'claimed', claimed_by: workerId });
  const logBase = { ruleDoc: row.rule_doc, version: row.version, occurrenceId: row.occurrence_id, customerId: row.customer_id, at: now };
  const occurrence = env.occurrences.get(row.occurrence_id);
  const common = { triggerKey: occurrence?.trigger_key ?? null, stepPath: row.step_path, idemKey: row.idem_key, test: row.test };

  /** Ends this row (and maybe the sequence), written with other steps' outcomes; false when the claim was lost meanwhile. */
  const finish = (f: Omit<Finish, 'log'> & { log?: FinishLog }) =>
    env.finish(row.id, row.occurrence_id, { ...f, log: f.log ? { ...logBase, ...common, ...f.log } : undefined });

  /** Puts the row back as pending, due at `dueAt` (a hold, a deferral, a retry). */
  const release = (dueAt: Date, set: Record<string, unknown>, log?: FinishLog) =>
    knex.transaction(async (trx) => {
      const updated = await mine(trx(TABLES.automationOutbox)).update({
        status: 'pending',
        due_at: bindDate(trx, dueAt),
        claimed_by: null,
        claimed_until: null,
        updated_at: bindDate(trx, now),
        ...set,
      });
      if (Number(updated) === 1 && log) await writeLog(trx, { ...logBase, ...common, ...log });
      return Number(updated) === 1;
    });

  const stopSequence = (reason: SkipReason, status: 'skipped' | 'exited' = 'exited') =>
    finish({ status: 'cancelled', occurrence: 'exited', cancelRest: true, log: { status, reason } });

  // The sequence already ended (exited, or its occurrence was erased with the customer): nothing more runs.
  if (!occurrence || occurrence.state !== 'running')
    return finish({ status: 'cancelled', cancelRest: true, log: { status: 'exited', error: 'the sequence had already ended' } });
  if (!env.rules.has(row.rule_doc)) env.rules.set(row.rule_doc, ruleState(strapi, knex, row.rule_doc));
  const rule = await env.rules.get(row.rule_doc)!;
  const key = `${row.rule_doc}:${row.version}`;
  if (!env.definitions.has(key))
    env.definitions.set(
      key,
      loadVersion(knex, row.rule_doc, row.version).then((v) => v?.definition ?? null)
    );
  const definition = await env.definitions.get(key)!;
  if (rule.state === 'deleted' || !definition) return stopSequence('rule_deleted', 'skipped');
  if (rule.state === 'paused') {
    // Held, not dropped: looked at again later; logged once per hold.
    const held = 'held: the rule is not active';
    return release(
      new Date(now.getTime() + settings.holdRecheckMs),
      { last_error: held },
      row.last_error === held ? undefined : { status: 'skipped', reason: 'rule_paused', error: held }
    );
  }
  const prefetched = env.customers.get(row.customer_id);
  env.customers.delete(row.customer_id);
  const customer = prefetched !== undefined ? prefetched : await loadActionCustomer(strapi, knex, row.customer_id);
  if (!customer) return stopSequence('customer_missing', 'skipped');
  const step = stepAt(definition.steps, row.step_path);
  if (!step)
    return finish({ status: 'dead', set: { last_error: `no step at ${row.step_path}` }, log: { status: 'dead', error: `no step at ${row.step_path}` } });

  const context = contextOf(row.context);
  const judge = factsJudge(knex, customer.id, now);
  if (context.afterWait && definition.conditions !== null && definition.conditions !== undefined && !(await judge(definition.conditions)))
    return stopSequence('condition_false');
  const stop = await sequenceStop(knex, definition.guard, customer.id, judge);
  if (stop) return stopSequence(stop);

  /** The row of the first step from `path` on that is not a wait (null: the sequence ends). */
  const rowFrom = (path: string | null): StepRow | null => {
    const next = advance(definition.steps, path, now, customer.timezone);
    if (next.path === null) return null;
    return {
      ruleDoc: row.rule_doc,
      version: row.version,
      occurrenceId: row.occurrence_id,
      customerId: row.customer_id,
      path: next.path,
      dueAt: next.dueAt,
      test: row.test,
      context: { ...context, afterWait: next.waited },
    };
  };

  if (step.kind === 'wait' || step.kind === 'wait_until') return finish({ status: 'done', next: rowFrom(row.step_path) });
  if (step.kind === 'if') {
    const branch = (await judge(step.rule)) ? 'then' : 'else';
    return finish({ status: 'done', next: rowFrom(branchPath(definition.steps, row.step_path, branch)) });
  }

  const after = rowFrom(nextPath(definition.steps, row.step_path));
  const handler = handlerFor(step.action.type) as ActionHandler | null;
  const actionLog = { action: step.action.type, channel: handler?.channel ?? null };
  if (!handler) {
    const error = `no handler for "${step.action.type}" actions`;
    return finish({ status: 'dead', set: { last_error: error }, log: { ...actionLog, status: 'dead', error } });
  }
  const blocked = await actionBlock(strapi, knex, handler, definition.guard, customer, now, step.action);
  if (blocked) return finish({ status: 'skipped', next: after, log: { ...actionLog, status: 'skipped', reason: blocked } });
  if (handler.external && definition.guard.quietHours && !row.test) {
    const end = quietHoursEnd(now, customer.timezone, settings.quietHours);
    // Not a skip: the same row runs when the customer's quiet hours end.
    if (end) return release(end, {});
  }

  const actionContext: ActionContext = {
    strapi,
    knex,
    action: step.action,
    customer,
    idemKey: row.idem_key,
    rule: { doc: row.rule_doc, version: row.version, name: rule.name },
    trigger: { key: occurrence.trigger_key, event: context.event, data: context.data },
    test: row.test,
    now,
  };
  if (row.test) {
    await handler.render(actionContext as any);
    return finish({ status: 'done', next: after, log: { ...actionLog, status: 'test' } });
  }
  // The day's cap, taken where every node counts it; given back when the send does not happen.
  const channel = handler.channel;
  if (channel && !(await takeCapSlot(knex, customer.id, channel, customer.timezone, now, settings.dailyCap[channel])))
    return finish({ status: 'skipped', next: after, log: { ...actionLog, status: 'skipped', reason: 'frequency_cap' } });
  const giveBack = async () => {
    if (channel) await releaseCapSlot(knex, customer.id, channel, customer.timezone, now);
  };
  const attempts = row.attempts + 1;
  const started = performance.now();
  try {
    const outcome = await handler.perform(actionContext as any);
    const latencyMs = performance.now() - started;
    if (outcome.status === 'skipped') {
      await giveBack();
      return finish({
        status: 'skipped',
        set: { attempts },
        next: after,
        log: { ...actionLog, status: 'skipped', reason: outcome.reason, attempts, latencyMs },
      });
    }
    return finish({ status: 'done', set: { attempts }, next: after, log: { ...actionLog, status: outcome.status, attempts, latencyMs } });
  } catch (error) {
    const latencyMs = performance.now() - started;
    await giveBack();
    const decision = failureDecision(error, attempts, settings, now);
    const last_error = decision.message.slice(0, 1000);
    // Refused before sending (circuit open, rate limit): the row waits, its attempts unchanged, so
    // waiting never leads to the dead letter; logged when the reason changes, not on every refusal.
    if (decision.status === 'deferred')
      return release(
        decision.dueAt,
        { last_error },
        row.last_error === last_error ? undefined : { ...actionLog, status: 'retrying', attempts: row.attempts, error: last_error, latencyMs }
      );
    if (decision.status === 'dead')
      return finish({ status: 'dead', set: { attempts, last_error }, log: { ...actionLog, status: 'dead', attempts, error: last_error, latencyMs } });
    return release(decision.dueAt, { attempts, last_error }, { ...actionLog, status: 'retrying', attempts, error: last_error, latencyMs });
  }
};

/** Runs `tasks` with at most `limit` at once. */
const pool = async <T>(items: T[], limit: number, run: (item: T) => Promise<void>) => {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await run(items[next++]);
  });
  await Promise.all(lanes);
};

/**
 * One tick: claims the due rows and runs their steps. `now` is the instant the tick acts at (the
 * clock by default; tests move it instead of sleeping). A row whose step fails outside the action
 * (a lost connection) stays claimed and is claimed again after its lease.
 */
export const runDue = async (strapi: Core.Strapi, { workerId, now = new Date() }: { workerId: string; now?: Date }): Promise<TickResult> => {
  const knex = strapi.db.connection;
  const settings = automationSettings(strapi);
  const rows = await claimDue(knex, { workerId, now, leaseMs: settings.leaseMs, batch: settings.batch });
  const occurrences = new Map<number, { trigger_key: string; state: string }>();
  for (let i = 0; i < rows.length; i += 500) {
    const found = await knex(TABLES.automationOccurrences)
      .whereIn(
        'id',
        rows.slice(i, i + 500).map((r) => r.occurrence_id)
      )
      .select('id', 'trigger_key', 'state');
    for (const o of found) occurrences.set(Number(o.id), { trigger_key: o.trigger_key, state: o.state });
  }
  const customers = await loadActionCustomers(strapi, knex, [...new Set(rows.map((r) => r.customer_id))]);
  const env: Env = {
    strapi,
    knex,
    workerId,
    now,
    settings,
    definitions: new Map(),
    rules: new Map(),
    occurrences,
    customers,
    finish: createFinisher(knex, workerId, now),
  };
  let lost = 0;
  // One customer's steps run one after another (in due order), so the daily cap counts each send
  // before the next is decided; different customers run side by side.
  const byCustomer = new Map<number, OutboxRow[]>();
  for (const row of rows) byCustomer.set(row.customer_id, [...(byCustomer.get(row.customer_id) ?? []), row]);
  await pool([...byCustomer.values()], settings.concurrency, async (customerRows) => {
    for (const row of customerRows) {
      try {
        if (!(await runRow(env, row))) lost += 1;
      } catch (error) {
        lost += 1;
        strapi.log.warn(
          `[client-insights] automation step ${row.id} (${row.idem_key}) failed in the engine; re-claimed after its lease: ${(error as Error).message}`
        );
      }
    }
  });
  return { claimed: rows.length, lost };
};

type Worker = { id: string; nudge(): void; stop(): Promise<void> };
const workers = new WeakMap<Core.Strapi, Worker>();

/** Starts this node's worker: a tick every `workerIntervalMs`, at once when nudged, again at once after a full batch. */
export const startWorker = (strapi: Core.Strapi): Worker => {
  const existing = workers.get(strapi);
  if (existing) return existing;
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };
  const tick = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        const { claimed } = await runDue(strapi, { workerId: id });
        if (claimed >= automationSettings(strapi).batch) again = true;
      } while (again && !stopped);
    })()
      .catch((error) => {
        strapi.log.error(`[client-insights] automation worker tick failed: ${(error as Error).message}`);
      })
      .finally(() => {
        running = null;
        schedule(automationSettings(strapi).workerIntervalMs);
      });
  };
  const worker: Worker = {
    id,
    nudge: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const graceMs = automationSettings(strapi).shutdownGraceMs;
      const finished = running
        ? await Promise.race([running.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref?.())])
        : true;
      if (!finished)
        strapi.log.warn(`[client-insights] automation steps still running after ${graceMs} ms at shutdown; their lease hands them to the next worker`);
      workers.delete(strapi);
    },
  };
  workers.set(strapi, worker);
  schedule(automationSettings(strapi).workerIntervalMs);
  return worker;
};

/**
 * After a commit that wrote outbox rows due now: run them without waiting for the next tick.
 */
export const nudgeWorker = (strapi: Core.Strapi) => workers.get(strapi)?.nudge();

/** Shutdown: no new ticks, the one in progress finishes (bounded by `shutdownGraceMs`). */
export const stopWorker = async (strapi: Core.Strapi) => workers.get(strapi)?.stop();
