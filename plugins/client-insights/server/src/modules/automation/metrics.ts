import type { Knex } from 'knex';
import type { AutomationLog, LogListQuery, RuleFigures } from '../../../../shared/contracts/automation';
import { SKIP_REASONS, type SkipReason } from '../../../../shared/enums';
import { bindDate, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';

/**
 * The reading side of ci_automation_logs (the engine writes it): the log list with its filters,
 * and a rule's figures over a period, computed in SQL (counts by status and reason, and the
 * median latency by ordered offset, which every supported database can do alike).
 */

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toLog = (r: any): AutomationLog => ({
  id: Number(r.id),
  ruleDoc: r.rule_doc,
  version: Number(r.version),
  occurrenceId: n(r.occurrence_id),
  customerId: n(r.customer_id),
  triggerKey: r.trigger_key ?? null,
  stepPath: r.step_path ?? null,
  action: r.action ?? null,
  channel: r.channel ?? null,
  status: r.status,
  reason: r.reason ?? null,
  attempts: Number(r.attempts ?? 0),
  error: r.error ?? null,
  latencyMs: n(r.latency_ms),
  idemKey: r.idem_key ?? null,
  test: Boolean(r.test),
  createdAt: (readDate(r.created_at) ?? new Date(0)).toISOString(),
});

export const listLogs = async (knex: Knex, q: LogListQuery & { page: number; pageSize: number }) => {
  const filtered = () => {
    const b = knex(TABLES.automationLogs);
    if (q.rule) b.where('rule_doc', q.rule);
    if (q.customerId) b.where('customer_id', q.customerId);
    if (q.status) b.where('status', q.status);
    if (q.reason) b.where('reason', q.reason);
    if (q.action) b.where('action', q.action);
    if (q.from) b.where('created_at', '>=', bindDate(knex, new Date(q.from)));
    if (q.to) b.where('created_at', '<', bindDate(knex, new Date(q.to)));
    if (!q.test) b.where('test', false);
    return b;
  };
  const total = Number((await filtered().count({ n: '*' }).first())?.n ?? 0);
  const rows = await filtered()
    .orderBy('id', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    data: rows.map(toLog),
    meta: { pagination: { page: q.page, pageSize: q.pageSize, pageCount: Math.ceil(total / q.pageSize), total } },
  };
};

/** The median of `latency_ms` over the rows of `base` that have one: the middle row (or the mean of the two middle rows) in order. */
const medianLatency = async (base: () => Knex.QueryBuilder): Promise<number | null> => {
  const withLatency = () => base().whereNotNull('latency_ms');
  const count = Number((await withLatency().count({ n: '*' }).first())?.n ?? 0);
  if (count === 0) return null;
  const middle = await withLatency()
    .orderBy('latency_ms', 'asc')
    .limit(count % 2 === 1 ? 1 : 2)
    .offset(Math.floor((count - 1) / 2))
    .pluck('latency_ms');
  return middle.reduce((s: number, v: unknown) => s + Number(v), 0) / middle.length;
};

/** A rule's figures over [from, to) (test lines left out). */
export const ruleFigures = async (knex: Knex, ruleDoc: string, from: Date, to: Date): Promise<RuleFigures> => {
  const base = () =>
    knex(TABLES.automationLogs)
      .where('rule_doc', ruleDoc)
      .where('test', false)
      .where('created_at', '>=', bindDate(knex, from))
      .where('created_at', '<', bindDate(knex, to));
  const rows: Array<{ status: string; reason: string | null; n: unknown }> = await base()
    .select('status', 'reason')
    .count({ n: '*' })
    .groupBy('status', 'reason');
  const of = (status: string) => rows.filter((r) => r.status === status).reduce((s, r) => s + Number(r.n), 0);
  const skippedByReason = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  for (const r of rows) if (r.status === 'skipped' && r.reason && r.reason in skippedByReason) skippedByReason[r.reason as SkipReason] += Number(r.n);
  const [sent, done, failed, dead] = [of('sent'), of('done'), of('failed'), of('dead')];
  const finished = sent + done + failed + dead;
  return {
    ruleDoc,
    from: from.toISOString(),
    to: to.toISOString(),
    triggered: of('triggered'),
    sent,
    done,
    skipped: of('skipped'),
    skippedByReason,
    failed,
    dead,
    successRate: finished ? (sent + done) / finished : null,
    medianLatencyMs: await medianLatency(() => base().whereIn('status', ['sent', 'done'])),
  };
};
