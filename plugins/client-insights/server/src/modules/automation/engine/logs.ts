import type { Knex } from 'knex';
import type { AutomationLogStatus, SkipReason } from '../../../../../shared/enums';
import { bindDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';

/** One line of ci_automation_logs: what happened to one step (or a trigger) for one customer. */
export type LogEntry = {
  ruleDoc: string;
  version: number;
  occurrenceId: number | null;
  customerId: number | null;
  triggerKey?: string | null;
  stepPath?: string | null;
  action?: string | null;
  channel?: string | null;
  status: AutomationLogStatus;
  reason?: SkipReason | null;
  attempts?: number;
  error?: string | null;
  latencyMs?: number | null;
  idemKey?: string | null;
  test?: boolean;
  at: Date;
};

/** Errors are cut to the column's size; they never carry contact data (actions write their own messages). */
const cut = (text: string | null | undefined, max: number) => (text ? text.slice(0, max) : null);

const logRow = (knex: Knex, e: LogEntry) => ({
  rule_doc: e.ruleDoc,
  version: e.version,
  occurrence_id: e.occurrenceId,
  customer_id: e.customerId,
  trigger_key: e.triggerKey ?? null,
  step_path: e.stepPath ?? null,
  action: e.action ?? null,
  channel: e.channel ?? null,
  status: e.status,
  reason: e.reason ?? null,
  attempts: e.attempts ?? 0,
  error: cut(e.error, 1000),
  latency_ms: e.latencyMs === null || e.latencyMs === undefined ? null : Math.round(e.latencyMs),
  idem_key: e.idemKey ?? null,
  test: e.test ?? false,
  created_at: bindDate(knex, e.at),
});

/** Writes log lines, many per statement (16 columns: 200 rows stay under every database's parameter limit). */
export const writeLogs = async (knex: Knex, entries: LogEntry[]): Promise<void> => {
  for (let i = 0; i < entries.length; i += 200) await knex(TABLES.automationLogs).insert(entries.slice(i, i + 200).map((e) => logRow(knex, e)));
};

export const writeLog = (knex: Knex, e: LogEntry): Promise<void> => writeLogs(knex, [e]);

/** Deletes log lines older than `days` days before `now`; answers how many. */
export const purgeLogs = async (knex: Knex, days: number, now = new Date()): Promise<number> =>
  Number(
    await knex(TABLES.automationLogs)
      .where('created_at', '<', bindDate(knex, new Date(now.getTime() - days * 86_400_000)) as any)
      .delete()
  );
