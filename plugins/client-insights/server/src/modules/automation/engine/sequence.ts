import type { Knex } from 'knex';
import { bindDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';

/**
 * PLACEHOLDER written by engine-triggers to the agreed signature (docs AUTOMATION.md); the lead
 * keeps engine-delivery's version of this file. Inserts the occurrence (null when its key exists)
 * and the outbox row of step "0" due now (none for a holdout), in `trx`.
 */
export const startSequence = async (
  trx: Knex,
  input: {
    ruleDoc: string;
    version: number;
    customerId: number;
    triggerKey: string;
    context: Record<string, unknown>;
    test?: boolean;
    now: Date;
    holdout?: boolean;
  }
): Promise<{ occurrenceId: number } | null> => {
  const key = { rule_doc: input.ruleDoc, customer_id: input.customerId, trigger_key: input.triggerKey };
  if (await trx(TABLES.automationOccurrences).where(key).first('id')) return null;
  await trx(TABLES.automationOccurrences).insert({
    ...key,
    version: input.version,
    state: input.holdout ? 'holdout' : 'running',
    test: input.test ?? false,
    fired_at: bindDate(trx, input.now),
  });
  const occurrenceId = Number((await trx(TABLES.automationOccurrences).where(key).first('id')).id);
  if (input.holdout) return { occurrenceId };
  const at = bindDate(trx, input.now);
  await trx(TABLES.automationOutbox).insert({
    idem_key: `${input.ruleDoc}:${input.version}:${input.customerId}:${occurrenceId}:0`,
    rule_doc: input.ruleDoc,
    version: input.version,
    occurrence_id: occurrenceId,
    customer_id: input.customerId,
    step_path: '0',
    status: 'pending',
    due_at: at,
    test: input.test ?? false,
    context: JSON.stringify(input.context),
    created_at: at,
    updated_at: at,
  });
  return { occurrenceId };
};
