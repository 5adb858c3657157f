import type { Knex } from 'knex';
import { bindDate, readDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { writeLog } from './logs';

/**
 * Sequences in the outbox: one row per step to run, keyed by rule version, customer, occurrence and
 * step. A row is inserted when the step before it is marked done, in the same transaction, so a
 * crash never loses a step nor runs one twice; a wait is the later due_at of the next row.
 */

/** What an outbox row carries for its step: the trigger's event and data, and whether a wait came before it. */
export type OutboxContext = { event: string | null; data: Record<string, unknown>; afterWait: boolean };

export const idemKeyOf = (r: { ruleDoc: string; version: number; customerId: number; occurrenceId: number; path: string }) =>
  `${r.ruleDoc}:v${r.version}:c${r.customerId}:o${r.occurrenceId}:s${r.path}`;

export type StepRow = {
  ruleDoc: string;
  version: number;
  occurrenceId: number;
  customerId: number;
  path: string;
  dueAt: Date;
  test: boolean;
  context: OutboxContext;
};

/** Inserts a step's row; a row with the same key already there (a redone transition) is kept, never doubled. */
export const insertStep = async (trx: Knex, step: StepRow, now: Date): Promise<void> => {
  await trx(TABLES.automationOutbox)
    .insert({
      idem_key: idemKeyOf(step),
      rule_doc: step.ruleDoc,
      version: step.version,
      occurrence_id: step.occurrenceId,
      customer_id: step.customerId,
      step_path: step.path,
      status: 'pending',
      due_at: bindDate(trx, step.dueAt),
      attempts: 0,
      test: step.test,
      context: JSON.stringify(step.context),
      created_at: bindDate(trx, now),
      updated_at: bindDate(trx, now),
    })
    .onConflict(['idem_key'])
    .ignore();
};

export type StartInput = {
  ruleDoc: string;
  version: number;
  customerId: number;
  triggerKey: string;
  context: Record<string, unknown>;
  test?: boolean;
  now: Date;
  holdout?: boolean;
};

/**
 * A trigger fired for a customer: records the occurrence (once per rule, customer and trigger
 * key: null when it already exists) and the row of step "0" due now (none for a holdout), in the
 * caller's transaction, so the trigger's write and what it causes commit together. Waits at the
 * start are passed over by the worker when it runs step "0".

 */
export const startSequence = async (trx: Knex, input: StartInput): Promise<{ occurrenceId: number } | null> => {
  const key = { rule_doc: input.ruleDoc, customer_id: input.customerId, trigger_key: input.triggerKey };
  if (await trx(TABLES.automationOccurrences).where(key).first('id')) return null;
  await trx(TABLES.automationOccurrences)
    .insert({ ...key, version: input.version, state: input.holdout ? 'holdout' : 'running', test: input.test ?? false, fired_at: bindDate(trx, input.now) })
    .onConflict(['rule_doc', 'customer_id', 'trigger_key'])
    .ignore();
  const row = await trx(TABLES.automationOccurrences).where(key).first('id', 'fired_at');
  // Another transaction recorded it first (the unique key): that one runs it.
  if (!row || readDate(row.fired_at)?.getTime() !== input.now.getTime()) return null;
  const occurrenceId = Number(row.id);
  const event = typeof input.context.event === 'string' ? input.context.event : null;
  await writeLog(trx, {
    ruleDoc: input.ruleDoc,
    version: input.version,
    occurrenceId,
    customerId: input.customerId,
    triggerKey: input.triggerKey,
    status: 'triggered',
    test: input.test ?? false,
    at: input.now,
  });
  if (!input.holdout) {
    const context: OutboxContext = { event, data: input.context, afterWait: false };
    await insertStep(trx, { ...input, occurrenceId, path: '0', dueAt: input.now, test: input.test ?? false, context }, input.now);
  }
  return { occurrenceId };
};

/** An outbox row's context, tolerant of a hand-edited or empty column. */
export const contextOf = (value: unknown): OutboxContext => {
  try {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    if (parsed && typeof parsed === 'object')
      return { event: parsed.event ?? null, data: parsed.data && typeof parsed.data === 'object' ? parsed.data : {}, afterWait: Boolean(parsed.afterWait) };
  } catch {
    // fall through: an unreadable context runs with none
  }
  return { event: null, data: {}, afterWait: false };
};
