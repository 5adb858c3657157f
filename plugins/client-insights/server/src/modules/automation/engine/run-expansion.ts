import type { Knex } from 'knex';
import type { SkipReason } from '../../../../../shared/enums';
import { bindDate, dialectOf, type Dialect } from '../../../core/db/dialect';
import { HOST_TABLES as H, TABLES } from '../../../core/db/tables';
import { matchQuery } from '../../rules/compile';
import { emptyCounts, type FireCounts } from './occurrences';
import type { ActiveVersion } from './versions';

/**
 * A page of a segment run (its ci_segment_events rows) decided in SQL for a rule without a holdout
 * (its buckets are drawn in JavaScript). The same decisions as occurrences.ts: customer missing,
 * churned, re-entry, then the conditions, compiled by the rule engine for the page's customers
 * (the differential test holds that SQL to the JavaScript evaluator). An occurrence per key under
 * its unique constraint, a `skipped` or `triggered` log line each, the outbox row of step "0" for
 * each started one, written by four INSERT … SELECT statements over the page, so a run of
 * 100,000 entries never travels through Node one customer at a time. Rows this call inserted are told apart by `fired_at` = now (as
 * startSequences does): a key another transaction recorded first is left to that one.
 */
export type RunPage = { segmentId: number; runId: number; after: number; upTo: number; occurredAt: Date };

/** Rules whose run candidates can be decided in SQL. */
export const decidedInSql = (version: ActiveVersion) => !(version.definition.guard.holdoutPercent > 0);

/** Text concatenation of SQL parts (bound texts and columns) in each dialect. */
const concat = (dialect: Dialect, parts: string[]) =>
  dialect === 'mysql' ? `concat(${parts.join(', ')})` : parts.map((p) => `cast(${p} as varchar(255))`).join(' || ');

export const fireRunPage = async (trx: Knex, version: ActiveVersion, kind: 'enter' | 'exit', page: RunPage, now: Date): Promise<FireCounts> => {
  const dialect = dialectOf(trx);
  const { guard } = version.definition;
  const at = bindDate(trx, now);
  const no = dialect === 'sqlite' ? 0 : false;
  const event = `segment.${kind}`;
  const key = concat(dialect, ['?', 'e.id']);
  const inPage = `e.segment_id = ? and e.run_id = ? and e.kind = ? and e.id > ? and e.id <= ?`;
  const pageBindings = [page.segmentId, page.runId, kind, page.after, page.upTo];
  const churned = guard.includeChurned ? '(1=0)' : `c.stage = 'churned'`;
  const cutoff = guard.reentry.mode === 'cooldown' ? bindDate(trx, new Date(now.getTime() - guard.reentry.days * 86_400_000)) : null;
  // Re-entry: an earlier occurrence of the rule that was not a skip (within the cooldown).
  const earlier = () =>
    guard.reentry.mode === 'every'
      ? { sql: '(1=0)', bindings: [] as unknown[] }
      : {
          sql: `exists (select 1 from ?? r where r.rule_doc = ? and r.customer_id = e.customer_id and r.state <> 'skipped' and r.test = ?${cutoff === null ? '' : ' and r.fired_at > ?'})`,
          bindings: [TABLES.automationOccurrences, version.ruleDoc, no, ...(cutoff === null ? [] : [cutoff])],
        };

  const decided = earlier();
  // The conditions: the page's customers they select (none without conditions: every one passes).
  const { conditions } = version.definition;
  const pageEvents = () =>
    trx(TABLES.segmentEvents).where({ segment_id: page.segmentId, run_id: page.runId, kind }).where('id', '>', page.after).where('id', '<=', page.upTo);
  const passing =
    conditions === null || conditions === undefined ? null : matchQuery(trx, conditions, { now, customerIds: pageEvents().select('customer_id') }).toSQL();
  const failsConditions = passing ? `e.customer_id not in (${passing.sql})` : '(1=0)';
  const passingBindings = (passing?.bindings ?? []) as unknown[];
  await trx.raw(
    `insert into ?? (rule_doc, version, customer_id, trigger_key, state, test, fired_at)
     select ?, ?, e.customer_id, ${key},
       case when c.id is null or ${churned} or ${decided.sql} or ${failsConditions} then 'skipped' else 'running' end, ?, ?
     from ?? e left join ?? c on c.id = e.customer_id
     where ${inPage}
       and not exists (select 1 from ?? o where o.rule_doc = ? and o.customer_id = e.customer_id and o.trigger_key = ${key})`,
    [
      TABLES.automationOccurrences,
      version.ruleDoc,
      version.version,
      `${event}:`,
      ...decided.bindings,
      ...passingBindings,
      no,
      at,
      TABLES.segmentEvents,
      H.customers,
      ...pageBindings,
      TABLES.automationOccurrences,
      version.ruleDoc,
      `${event}:`,
    ]
  );

  // The occurrences this call inserted, with the reason of each skip, in occurrences.ts's order
  // (their own skipped rows are not earlier occurrences, so re-entry reads as it did before them).
  // Without conditions a skip that is neither of the first two can only be a re-entry: no need to ask.
  const lastReasons = passing ? `when ${decided.sql} then 'reentry' else 'condition_false'` : `else 'reentry'`;
  const reason = `case when o.state <> 'skipped' then null when c.id is null then 'customer_missing' when ${churned} then 'churned' ${lastReasons} end`;
  const reasonBindings = passing ? decided.bindings : [];
  const ours = `from ?? e join ?? o on o.rule_doc = ? and o.customer_id = e.customer_id and o.trigger_key = ${key} left join ?? c on c.id = e.customer_id
     where ${inPage} and o.fired_at = ?`;
  const oursBindings = [TABLES.segmentEvents, TABLES.automationOccurrences, version.ruleDoc, `${event}:`, H.customers, ...pageBindings, at];

  await trx.raw(
    `insert into ?? (rule_doc, version, occurrence_id, customer_id, trigger_key, status, reason, attempts, test, created_at)
     select o.rule_doc, ?, o.id, o.customer_id, o.trigger_key, case when o.state = 'skipped' then 'skipped' else 'triggered' end,
       ${reason}, 0, ?, ? ${ours}`,
    [TABLES.automationLogs, version.version, ...reasonBindings, no, at, ...oursBindings]
  );

  // Step "0" of each started one: the key and context startSequences would write.
  const context = JSON.stringify({
    event,
    data: { event, ref: '\u0000', occurredAt: page.occurredAt.toISOString(), segmentId: page.segmentId },
    afterWait: false,
  });
  const [contextHead, contextTail] = context.split('\\u0000');
  await trx.raw(
    `insert into ?? (idem_key, rule_doc, version, occurrence_id, customer_id, step_path, status, due_at, attempts, test, context, created_at, updated_at)
     select ${concat(dialect, ['?', 'o.customer_id', '?', 'o.id', '?'])}, o.rule_doc, ?, o.id, o.customer_id, '0', 'pending', ?, 0, ?,
       ${concat(dialect, ['?', 'e.id', '?'])}, ?, ? ${ours} and o.state = 'running'`,
    [
      TABLES.automationOutbox,
      `${version.ruleDoc}:v${version.version}:c`,
      ':o',
      ':s0',
      version.version,
      at,
      no,
      contextHead,
      contextTail,
      at,
      at,
      ...oursBindings,
    ]
  );

  const counts = emptyCounts();
  const candidates = await pageEvents().count({ n: '*' }).first();
  counts.candidates = Number(candidates?.n ?? 0);
  // Grouped by position: a bound reason written twice is two different expressions to PostgreSQL.
  const outcomes = (await trx.raw(`select o.state as state, ${reason} as reason, count(*) as n ${ours} group by 1, 2`, [
    ...reasonBindings,
    ...oursBindings,
  ])) as any;
  const rows: any[] = Array.isArray(outcomes) ? (Array.isArray(outcomes[0]) ? outcomes[0] : outcomes) : outcomes.rows;
  let decidedHere = 0;
  for (const r of rows) {
    const n = Number(r.n);
    decidedHere += n;
    if (r.state === 'skipped') counts.skipped[r.reason as SkipReason] = (counts.skipped[r.reason as SkipReason] ?? 0) + n;
    else counts.fired += n;
  }
  counts.duplicate = counts.candidates - decidedHere;
  return counts;
};
