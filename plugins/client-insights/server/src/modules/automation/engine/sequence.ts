import type { Knex } from 'knex';
import { bindDate, readDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { writeLogs } from './logs';

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

const outboxRow = (knex: Knex, step: StepRow, now: Date) => ({
  idem_key: idemKeyOf(step),
  rule_doc: step.ruleDoc,
  version: step.version,
  occurrence_id: step.occurrenceId,
  customer_id: step.customerId,
  step_path: step.path,
  status: 'pending',
  due_at: bindDate(knex, step.dueAt),
  attempts: 0,
  test: step.test,
  context: JSON.stringify(step.context),
  created_at: bindDate(knex, now),
  updated_at: bindDate(knex, now),
});

/** Rows per multi-row INSERT: well under every database's bound-parameter limit (13 columns; SQLite also bounds the terms of the compound SELECT knex writes). */
const INSERT_ROWS = 200;

/** Inserts steps' rows, many per statement; a row with the same key already there (a redone transition) is kept, never doubled. */
export const insertSteps = async (trx: Knex, steps: StepRow[], now: Date): Promise<void> => {
  for (let i = 0; i < steps.length; i += INSERT_ROWS)
    await trx(TABLES.automationOutbox)
      .insert(steps.slice(i, i + INSERT_ROWS).map((step) => outboxRow(trx, step, now)))
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

const pairOf = (customerId: number, triggerKey: string) => `${customerId}\u0000${triggerKey}`;

/**
 * Triggers fired for customers of one rule version at one instant: records each occurrence (once
 * per rule, customer and trigger key: null when it already exists) and the row of step "0" due
 * now (none for a holdout), in the caller's transaction, so the trigger's write and what it causes
 * commit together. Set-based: a few multi-row statements per 200 starts (occurrences, their ids,
 * the `triggered` log lines, the outbox rows), so a segment run of 100,000 entries is 500 rounds
 * of those, not 100,000 rounds of five statements. Waits at the start are passed over by the
 * worker when it runs step "0". Answers, per input in order, the occurrence id or null.
 */
export const startSequences = async (trx: Knex, inputs: StartInput[]): Promise<Array<{ occurrenceId: number } | null>> => {
  const answers: Array<{ occurrenceId: number } | null> = inputs.map(() => null);
  // Grouped by rule version and instant: every statement below is for one (ruleDoc, version, now).
  const groups = new Map<string, number[]>();
  inputs.forEach((input, index) => {
    const key = `${input.ruleDoc}\u0000${input.version}\u0000${input.now.getTime()}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const indexes of groups.values())
    for (let i = 0; i < indexes.length; i += INSERT_ROWS) {
      const chunk = indexes.slice(i, i + INSERT_ROWS);
      const { ruleDoc, version, now } = inputs[chunk[0]];
      const existing = async () =>
        (await trx(TABLES.automationOccurrences)
          .where('rule_doc', ruleDoc)
          .whereIn('customer_id', [...new Set(chunk.map((k) => inputs[k].customerId))])
          .whereIn('trigger_key', [...new Set(chunk.map((k) => inputs[k].triggerKey))])
          .select('id', 'customer_id', 'trigger_key', 'fired_at')) as any[];
      const before = new Set((await existing()).map((r) => pairOf(Number(r.customer_id), r.trigger_key)));
      const fresh: number[] = [];
      const taken = new Set<string>();
      for (const k of chunk) {
        const pair = pairOf(inputs[k].customerId, inputs[k].triggerKey);
        if (before.has(pair) || taken.has(pair)) continue;
        taken.add(pair);
        fresh.push(k);
      }
      if (!fresh.length) continue;
      await trx(TABLES.automationOccurrences)
        .insert(
          fresh.map((k) => ({
            rule_doc: ruleDoc,
            customer_id: inputs[k].customerId,
            trigger_key: inputs[k].triggerKey,
            version,
            state: inputs[k].holdout ? 'holdout' : 'running',
            test: inputs[k].test ?? false,
            fired_at: bindDate(trx, now),
          }))
        )
        .onConflict(['rule_doc', 'customer_id', 'trigger_key'])
        .ignore();
      const ids = new Map<string, number>();
      // Another transaction recorded one first (the unique key): that one runs it.
      for (const r of await existing())
        if (!before.has(pairOf(Number(r.customer_id), r.trigger_key)) && readDate(r.fired_at)?.getTime() === now.getTime())
          ids.set(pairOf(Number(r.customer_id), r.trigger_key), Number(r.id));
      const started = fresh.filter((k) => ids.has(pairOf(inputs[k].customerId, inputs[k].triggerKey)));
      const idOf = (k: number) => ids.get(pairOf(inputs[k].customerId, inputs[k].triggerKey))!;
      await writeLogs(
        trx,
        started.map((k) => ({
          ruleDoc,
          version,
          occurrenceId: idOf(k),
          customerId: inputs[k].customerId,
          triggerKey: inputs[k].triggerKey,
          status: 'triggered' as const,
          test: inputs[k].test ?? false,
          at: now,
        }))
      );
      await insertSteps(
        trx,
        started
          .filter((k) => !inputs[k].holdout)
          .map((k) => {
            const input = inputs[k];
            const event = typeof input.context.event === 'string' ? input.context.event : null;
            const context: OutboxContext = { event, data: input.context, afterWait: false };
            return { ...input, occurrenceId: idOf(k), path: '0', dueAt: now, test: input.test ?? false, context };
          }),
        now
      );
      for (const k of started) answers[k] = { occurrenceId: idOf(k) };
    }
  return answers;
};

/**
 * One trigger fired for one customer (startSequences for one): the engine tests and crash tests
 * start sequences with it.
 * @public
 */
export const startSequence = async (trx: Knex, input: StartInput): Promise<{ occurrenceId: number } | null> => (await startSequences(trx, [input]))[0];

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
