import type { Knex } from 'knex';
import { joinRowByKey } from '../../core/db/dialect';
import { FALSE_SQL, raw, sql, type Sql } from '../../core/db/sql-fragment';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { heldTagRows } from './operators';

/**
 * The preview's churn-risk split of its matches `mm`: how many are scored, high and medium (low is
 * the rest), as one row of figures.
 */

/** Churn-risk thresholds on `ci_customer_scores.churn_risk` (0..1). */
export const RISK_THRESHOLDS = { high: 0.6, medium: 0.3 } as const;

/**
 * How a matched customer's risk level is decided. A scored customer uses its churn_risk score.
 * Until the value models have scored a customer, points from what the CRM already knows:
 * an unexpired tag of category `risk` (2), overdue payments (1), any complaint (1);
 * 2 or more points is high, 1 medium, 0 low.
 */
export const RISK_METHOD =
  `churn_risk score when the customer has one (high >= ${RISK_THRESHOLDS.high}, medium >= ${RISK_THRESHOLDS.medium}); ` +
  'otherwise points: a risk-category tag 2, overdue payments 1, complaints 1 (high >= 2, medium 1, low 0)';

/**
 * The metrics rows that can move a level (overdue payments or complaints): the others read as
 * neither, so a risk split may join only these (migration 150-metrics-risk-index keeps them in a
 * partial index of the same predicate).
 */
export const RISK_METRICS_WHERE = 'overdue_amount > 0 or complaint_count > 0';

/** What a match's level is read from: its score (null when unscored) and three yes/no signals. */
type RiskSignals = { churn: Sql; overdue: Sql; complaints: Sql; tagged: Sql };

/**
 * What every risk split reads besides its matches: the ids of the risk-category tags, and whether
 * any customer is scored yet. Until the value models have run once, the scores table is empty, so
 * the split does not join it (a join passes every match through, 15-20 ms at 565k matches).
 */
export type RiskSources = { riskTagIds: number[]; scored: boolean };

export const riskSources = async (knex: Knex): Promise<RiskSources> => {
  const [riskTagIds, scores] = await Promise.all([knex(H.tags).where('category', 'risk').pluck('id'), knex(TABLES.scores).select('customer_id').limit(1)]);
  return { riskTagIds: riskTagIds.map(Number), scored: scores.length > 0 };
};

/**
 * RISK_METHOD, the one place it is written in SQL: a match is high, or medium, when these hold.
 * Points written out: unscored, a risk tag (2) or both overdue payments and complaints is high;
 * exactly one of the two without a tag is medium. `tagged` is asked last, so that a per-match
 * lookup runs only for the matches the other signals leave undecided.
 */
const riskPredicates = ({ churn, overdue, complaints, tagged }: RiskSignals, scored: boolean): { high: Sql; medium: Sql } => {
  const { high, medium } = RISK_THRESHOLDS;
  const points = {
    high: sql`((${overdue} and ${complaints}) or (${tagged}))`,
    medium: sql`((${overdue} and not ${complaints}) or (${complaints} and not ${overdue})) and not (${tagged})`,
  };
  // Nobody scored (RiskSources): every match is decided by points alone.
  if (!scored) return { high: sql`(${points.high})`, medium: sql`(${points.medium})` };
  const unscored = sql`${churn} is null`;
  return {
    high: sql`(${churn} >= ${high} or (${unscored} and ${points.high}))`,
    medium: sql`((${churn} >= ${medium} and ${churn} < ${high}) or (${unscored} and ${points.medium}))`,
  };
};

const has = (column: string) => raw(`(coalesce(${column}, 0) > 0)`);
const asRaw = (knex: Knex, fragment: Sql) => knex.raw(fragment.sql, fragment.bindings);

/**
 * Figures looked up per match (few matches): one index probe each into the scores, the metrics
 * and the risk tags. The level is computed once per match and grouped on: three sums over the
 * predicates made PostgreSQL evaluate them, and their risk-tag lookups, once per sum. The grouped
 * rows (at most three) are summed into the figures' one row.
 */
export const figuresLookedUp = (knex: Knex, now: Date, { riskTagIds, scored }: RiskSources): Knex.QueryBuilder => {
  const lookup = (query: Knex.QueryBuilder, table: string, alias: string) => joinRowByKey(knex, query, table, alias, 'customer_id', 'mm.customer_id');
  const tagged = riskTagIds.length ? sql`exists (select 1 from ${heldTagRows(knex, now, riskTagIds)} and ct.customer_id = mm.customer_id)` : FALSE_SQL;
  const { high, medium } = riskPredicates(
    { churn: raw('s.churn_risk'), overdue: has('m.overdue_amount'), complaints: has('m.complaint_count'), tagged },
    scored
  );
  const matches = scored ? lookup(knex.from('mm'), TABLES.scores, 's') : knex.from('mm');
  const levels = lookup(matches, TABLES.metrics, 'm').select(
    asRaw(knex, sql`case when ${high} then 2 when ${medium} then 1 else 0 end as lvl`),
    knex.raw(scored ? 'case when s.churn_risk is not null then 1 else 0 end as scored' : '0 as scored')
  );
  const perLevel = knex.from(levels.as('x')).select('x.lvl', knex.raw('count(*) as count'), knex.raw('sum(x.scored) as scored')).groupBy('x.lvl');
  return knex
    .from(perLevel.as('f'))
    .select(
      knex.raw('sum(f.count) as count'),
      knex.raw('sum(f.scored) as scored'),
      knex.raw('sum(case when f.lvl = 2 then f.count else 0 end) as high'),
      knex.raw('sum(case when f.lvl = 1 then f.count else 0 end) as medium')
    );
};

/**
 * The same figures over matches that carry their rollup columns (many matches: `churn_risk` only
 * when `scored`), as one aggregate
 * of sums: no grouping on a computed level, which at 812k matches cost more than the match. The
 * customers holding an unexpired risk tag are one set read through the tag index and left-joined
 * once, so the tag is asked once per match, not in each sum.
 */
export const figuresHashed = (knex: Knex, now: Date, { riskTagIds, scored }: RiskSources): Knex.QueryBuilder => {
  const matches = knex.from('mm');
  if (riskTagIds.length) {
    const holders = sql`(select distinct ct.customer_id from ${heldTagRows(knex, now, riskTagIds)}) rt`;
    matches.leftJoin(asRaw(knex, holders), 'rt.customer_id', 'mm.customer_id');
  }
  const tagged = riskTagIds.length ? raw('rt.customer_id is not null') : FALSE_SQL;
  const { high, medium } = riskPredicates(
    { churn: raw('mm.churn_risk'), overdue: has('mm.overdue_amount'), complaints: has('mm.complaint_count'), tagged },
    scored
  );
  // Most matches carry no signal at all (no score, no metrics row with a signal, no risk tag):
  // decided low by these null tests before either predicate (seven signals at 1M, 565k matches:
  // 20-40 ms of a 0.6 s statement).
  const nulls = [...(scored ? ['mm.churn_risk'] : []), 'mm.overdue_amount', 'mm.complaint_count'].map((c) => `${c} is null`);
  const quiet = sql`(${raw(nulls.join(' and '))} and not (${tagged}))`;
  const count = (holds: Sql) => sql`sum(case when ${quiet} then 0 when ${holds} then 1 else 0 end)`;
  return matches.select(
    knex.raw('count(*) as count'),
    knex.raw(scored ? 'sum(case when mm.churn_risk is not null then 1 else 0 end) as scored' : '0 as scored'),
    asRaw(knex, sql`${count(high)} as high`),
    asRaw(knex, sql`${count(medium)} as medium`)
  );
};
