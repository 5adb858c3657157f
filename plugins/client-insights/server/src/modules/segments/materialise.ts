import type { Knex } from 'knex';
import { insertSelect } from '../../core/db/insert-select';
import { bindDate, setStatementTimeout, tuneForWholeTable, untuneJoins } from '../../core/db/dialect';
import { RUN_PHASES } from '../../../../shared/enums';
import type { Tuning } from '../rules/strategy';
import { TABLES, type HostTables } from '../../core/db/tables';
import { pendingFacts } from '../metrics/queue';

/**
 * One segment run in SQL, inside one transaction: the new member snapshot (INSERT … SELECT from the
 * rule's query), the diff against the current snapshot, statistics, then the swap of
 * ci_segment_current and the run record's final state (primary segments follow, see priority.ts). Until the commit, readers (and in_segment)
 * see the previous membership; a crash or timeout rolls everything back but the run's record.
 */
/** Declared with the API contracts (shared/enums.ts). */
export const PHASES = RUN_PHASES;
export type Phase = (typeof PHASES)[number];

export type RunStatistics = {
  avgOrderValue: number | null;
  totalRevenue: number;
  orderCount: number;
  churnRate: number | null;
};

export type MaterialiseOutcome = {
  status: 'success' | 'partial';
  customerCount: number;
  added: number;
  removed: number;
  kept: number;
  skipped: number;
  statistics: RunStatistics;
};

export type MaterialiseInput = {
  segmentId: number;
  runId: number;
  /** Membership query yielding `customer_id` (the rule engine's matchQuery), built on any knex. */
  match: Knex.QueryBuilder;
  /** The planner settings of the strategy `match` was built with (rules/strategy.ts tuningOf). */
  tuning?: Tuning;
  now: Date;
  tables: HostTables;
  /** Milliseconds left before the run's timeout. */
  remainingMs(): number;
  /** Called between phases with the fraction done (0..1); throws to abort (deadline, cancel). */
  onPhase(phase: Phase, progress: number, trx: Knex.Transaction): Promise<void>;
  /** Written into the run record in the same commit as the swap. */
  finish(trx: Knex.Transaction, outcome: MaterialiseOutcome, previousRunId: number | null): Promise<void>;
};

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

const count = async (q: Knex.QueryBuilder) => num((await q.count({ n: '*' }).first())?.n);

/** The rollup has a row for the customer; without one its facts are incomplete (rollup pending) and it is skipped. */
const hasFacts = (trx: Knex, column: string) => trx(TABLES.metrics).select(trx.raw('1')).where('customer_id', trx.ref(column));

export const currentRunId = async (knex: Knex, segmentId: number): Promise<number | null> => {
  const row = await knex(TABLES.segmentCurrent).where('segment_id', segmentId).first('run_id');
  return row ? Number(row.run_id) : null;
};

export const materialise = (knex: Knex, input: MaterialiseInput): Promise<MaterialiseOutcome> =>
  knex.transaction(async (trx) => {
    const { segmentId, runId, now } = input;
    await setStatementTimeout(trx, input.remainingMs());
    await tuneForWholeTable(trx, input.tuning);
    const previousRunId = await currentRunId(trx, segmentId);
    // A redo of an interrupted run starts clean (its rows were rolled back, but be sure).
    await trx(TABLES.segmentMembers).where({ segment_id: segmentId, run_id: runId }).delete();
    await trx(TABLES.segmentChanges).where('run_id', runId).delete();

    await input.onPhase('matching', 0.1, trx);
    const matched = trx
      .select(trx.raw('? as segment_id, ? as run_id', [segmentId, runId]), 'm.customer_id')
      .from(input.match.as('m'))
      .whereExists(hasFacts(trx, 'm.customer_id'));
    await insertSelect(trx, TABLES.segmentMembers, ['segment_id', 'run_id', 'customer_id'], matched);
    await untuneJoins(trx);
    const skipped = await pendingFacts(trx);
    if (skipped > 0 && previousRunId !== null) {
      // Skipped customers keep their previous membership rather than spuriously leaving.
      const carried = trx
        .select(trx.raw('? as segment_id, ? as run_id', [segmentId, runId]), 'p.customer_id')
        .from(`${TABLES.segmentMembers} as p`)
        .where({ 'p.segment_id': segmentId, 'p.run_id': previousRunId })
        .whereNotExists(hasFacts(trx, 'p.customer_id'))
        .whereExists(trx(`${input.tables.customers} as c`).select(trx.raw('1')).where('c.id', trx.ref('p.customer_id')));
      await insertSelect(trx, TABLES.segmentMembers, ['segment_id', 'run_id', 'customer_id'], carried);
    }

    await input.onPhase('diffing', 0.5, trx);
    // One pass over both snapshots, grouped by customer: a customer in only one of them changed.
    // No join, so the plan does not hinge on the members table's statistics (often stale right
    // after bulk runs).
    const runs = previousRunId === null ? [runId] : [runId, previousRunId];
    await insertSelect(
      trx,
      TABLES.segmentChanges,
      ['run_id', 'customer_id', 'change'],
      trx(TABLES.segmentMembers)
        .select(trx.raw('? as run_id', [runId]), 'customer_id', trx.raw("case when max(run_id) = ? then 'added' else 'removed' end as ??", [runId, 'change']))
        .where('segment_id', segmentId)
        .whereIn('run_id', runs)
        .groupBy('customer_id')
        .havingRaw('count(*) = 1')
    );
    const customerCount = await count(trx(TABLES.segmentMembers).where({ segment_id: segmentId, run_id: runId }));
    const added = await count(trx(TABLES.segmentChanges).where({ run_id: runId, change: 'added' }));
    const removed = await count(trx(TABLES.segmentChanges).where({ run_id: runId, change: 'removed' }));

    await input.onPhase('statistics', 0.7, trx);
    const stats = await trx(`${TABLES.segmentMembers} as sm`)
      .join(`${input.tables.customers} as c`, 'c.id', 'sm.customer_id')
      .leftJoin(`${TABLES.metrics} as mt`, 'mt.customer_id', 'sm.customer_id')
      .leftJoin(`${TABLES.scores} as sc`, 'sc.customer_id', 'sm.customer_id')
      .where({ 'sm.segment_id': segmentId, 'sm.run_id': runId })
      .first(
        trx.raw('count(*) as n'),
        trx.raw('sum(coalesce(mt.total_spent, 0)) as revenue'),
        trx.raw('sum(coalesce(mt.order_count, 0)) as orders'),
        trx.raw("sum(case when c.stage = 'churned' or sc.churn_risk >= 0.5 then 1 else 0 end) as churned")
      );
    const n = num(stats?.n);
    const revenue = Math.round(num(stats?.revenue) * 100) / 100;
    const orders = num(stats?.orders);
    const statistics: RunStatistics = {
      avgOrderValue: orders > 0 ? Math.round((revenue / orders) * 100) / 100 : null,
      totalRevenue: revenue,
      orderCount: orders,
      churnRate: n > 0 ? Math.round((num(stats?.churned) / n) * 1e6) / 1e6 : null,
    };

    await input.onPhase('swapping', 0.9, trx);
    await trx(TABLES.segmentCurrent)
      .insert({ segment_id: segmentId, run_id: runId, updated_at: bindDate(trx, now) })
      .onConflict('segment_id')
      .merge(['run_id', 'updated_at']);
    await insertSelect(
      trx,
      TABLES.segmentEvents,
      ['segment_id', 'customer_id', 'kind', 'occurred_at', 'run_id'],
      trx(TABLES.segmentChanges)
        .select(
          trx.raw('? as segment_id', [segmentId]),
          'customer_id',
          trx.raw("case when ?? = 'added' then 'enter' else 'exit' end as kind", ['change']),
          trx.raw('? as occurred_at, ? as run_id', [bindDate(trx, now), runId])
        )
        .where('run_id', runId)
    );
    await trx(input.tables.segments)
      .where('id', segmentId)
      .update({ member_count: customerCount, last_calculated_at: bindDate(trx, now) });
    const outcome: MaterialiseOutcome = {
      status: skipped > 0 ? 'partial' : 'success',
      customerCount,
      added,
      removed,
      kept: customerCount - added,
      skipped,
      statistics,
    };
    await input.finish(trx, outcome, previousRunId);
    return outcome;
  });
