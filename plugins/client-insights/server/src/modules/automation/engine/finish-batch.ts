import type { Knex } from 'knex';
import type { OutboxStatus } from '../../../../../shared/enums';
import { bindDate, dialectOf, isTransientError } from '../../../core/db/dialect';
import { groupCommit } from '../../../core/db/group-commit';
import { TABLES } from '../../../core/db/tables';
import { writeLogs, type LogEntry } from './logs';
import { insertSteps, type StepRow } from './sequence';

/**
 * Group commit of step outcomes. Each step of a tick ends in a Finish (its row's status, the next
 * step's row, the occurrence's end, the log line); instead of a transaction per step, the
 * outcomes that are ready together are written in one transaction of a few set-based statements.
 * A step still waits for its own outcome to commit before its customer's next step runs (the daily
 * cap counts the send just logged), and an outcome is written only while this node still holds
 * the row's claim (rows locked, then checked against claimed_by), as before.
 */
export type Finish = {
  status: Exclude<OutboxStatus, 'pending' | 'claimed'>;
  set?: Record<string, unknown>;
  next?: StepRow | null;
  occurrence?: 'done' | 'exited';
  cancelRest?: boolean;
  log?: LogEntry;
};

type Item = { rowId: number; occurrenceId: number; finish: Finish };

/** Outcomes per transaction at most (a tick's batch is usually smaller). */
const MAX_GROUP = 500;
/**
 * A group chosen as a deadlock victim (likelier on MariaDB, whose locking reads also lock gaps) is
 * written again after a pause, then item by item: an outcome that is never written leaves its row
 * claimed until the lease ends, and a send already made is made again.
 */
const WRITE_RETRY = { attempts: 4, baseMs: 20, isTransient: isTransientError };

const write = (knex: Knex, workerId: string, now: Date, items: Item[]) =>
  knex.transaction(async (trx) => {
    const ids = items.map((i) => i.rowId);
    const mine = () => trx(TABLES.automationOutbox).whereIn('id', ids).where({ status: 'claimed', claimed_by: workerId });
    // Locked first (PostgreSQL, MariaDB): a node re-claiming after the lease waits, then sees them done.
    const lock = dialectOf(trx) === 'sqlite' ? mine() : mine().forUpdate();
    const held = new Set(((await lock.select('id')) as any[]).map((r) => Number(r.id)));
    const kept = items.filter((i) => held.has(i.rowId));
    const at = bindDate(trx, now);
    // One UPDATE per distinct outcome (usually one: done, first attempt).
    const byOutcome = new Map<string, { values: Record<string, unknown>; ids: number[] }>();
    for (const { rowId, finish } of kept) {
      const values = { status: finish.status, claimed_by: null, claimed_until: null, updated_at: at, ...(finish.set ?? {}) };
      const key = JSON.stringify([finish.status, finish.set ?? {}]);
      const group = byOutcome.get(key) ?? { values, ids: [] as number[] };
      group.ids.push(rowId);
      byOutcome.set(key, group);
    }
    for (const { values, ids: rows } of byOutcome.values())
      await trx(TABLES.automationOutbox).whereIn('id', rows).where({ status: 'claimed', claimed_by: workerId }).update(values);
    await insertSteps(
      trx,
      kept.map((i) => i.finish.next).filter((n): n is StepRow => Boolean(n)),
      now
    );
    for (const state of ['done', 'exited'] as const) {
      const ending = kept.filter((i) => (i.finish.occurrence ?? (i.finish.next === null ? 'done' : undefined)) === state).map((i) => i.occurrenceId);
      if (ending.length) await trx(TABLES.automationOccurrences).whereIn('id', ending).where('state', 'running').update({ state });
    }
    const cancelled = kept.filter((i) => i.finish.cancelRest).map((i) => i.occurrenceId);
    if (cancelled.length)
      await trx(TABLES.automationOutbox).whereIn('occurrence_id', cancelled).where('status', 'pending').update({ status: 'cancelled', updated_at: at });
    await writeLogs(
      trx,
      kept.map((i) => i.finish.log).filter((l): l is LogEntry => Boolean(l))
    );
    return held;
  });

/** A tick's finisher: `finish` resolves true once the outcome is committed, false when the claim was lost meanwhile. */
export const createFinisher = (knex: Knex, workerId: string, now: Date) => {
  const commit = groupCommit<Item, boolean>(
    async (items) => {
      const held = await write(knex, workerId, now, items);
      return items.map((item) => held.has(item.rowId));
    },
    MAX_GROUP,
    WRITE_RETRY
  );
  return (rowId: number, occurrenceId: number, finish: Finish): Promise<boolean> => commit({ rowId, occurrenceId, finish });
};
