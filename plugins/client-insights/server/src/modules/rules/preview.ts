import type { Knex } from 'knex';
import { PREVIEW_MAX_SAMPLE_SIZE as MAX_SAMPLE_SIZE, type PreviewResult, type PreviewSample, type PreviewScope } from '../../../../shared/contracts/rules';
import { estimatedRows, estimatedTableRows, hasPlanEstimates, joinRowByKey, readDate, wholeTableStatement, withQuery } from '../../core/db/dialect';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { customerTotal } from '../customers/total';
import { analyseRule, emptyWarning } from './analyse';
import { figuresHashed, figuresLookedUp, RISK_METHOD, RISK_METRICS_WHERE, riskSources, type RiskSources } from './risk-split';
import { matchQuery, type Strategy } from './compile';
import { chooseStrategy, tuningOf, type StrategyChoice } from './strategy';
import type { RuleWarning } from './types';

/**
 * Preview of a rule: how many customers it selects now, a sample of them and their churn-risk
 * split. Every figure is a SQL aggregate over the compiled rule; only the sample rows reach Node.
 */
export const DEFAULT_SAMPLE_SIZE = 20;

export type { PreviewResult };

export type PreviewInput = {
  rule: unknown;
  now?: Date;
  sampleSize?: number;
  extraWarnings?: RuleWarning[];
  /** Forces a compile strategy (benchmarks); chosen per rule otherwise. */
  strategy?: Strategy;
  /** Forces how the risk split reads the rollups (tests, benchmarks); chosen per rule otherwise. */
  riskRead?: RiskRead;
  /**
   * A child segment's preview: its ancestors' rules (root first), which the match must also
   * satisfy, exactly as a run materialises the child. Warnings still analyse `rule` alone.
   */
  within?: PreviewScope & { rules: unknown[] };
  /** Bounds the preview statement (the database cancels it; core/db/dialect withStatementTimeout). */
  timeoutMs?: number;
};

const SAMPLE_COLUMNS = ['id', 'document_id', 'name', 'region', 'stage', 'total_spent', 'last_order_at'] as const;
const FIGURES = ['count', 'scored', 'high', 'medium'] as const;

/**
 * How the risk split reads the scores and metrics rows of the matches, and where the sample comes
 * from: `lookup` one index probe per match (few matches); `hash` the match itself joins both
 * rollups (compile.ts joinRollups; of the metrics only the rows with a risk signal when the rule
 * reads none) and carries their columns, which the planner hashes or merges once for many matches
 * (800k per-row probes cost several times the match itself at 1M customers). The match is a
 * common table expression read by the figures and by the sample. For a broad rule (MERGE_MIN_SHARE)
 * it is written into each instead (PostgreSQL materialises a CTE read twice, scans it in one
 * process, and sorts it again for anything that needs it in order):
 * - `broad`, the match comes out in id order (inIdOrder): the sample stops at its first rows;
 * - `walk`, it does not (a union of customers sorted whole, hash joins): the sample walks the
 *   customers in id order, every condition probed per customer (compile.ts walk), and stops at
 *   the first matches, a few dozen customers for a broad rule; the figures read the match alone.
 */
export type RiskRead = 'lookup' | 'hash' | 'broad' | 'walk';

/** Above this estimated share of the customers, the risk split hashes the rollups (RiskRead). */
export const RISK_HASH_MIN_SHARE = 0.1;

/** `groupedUnion`: the match's union is grouped, and the statement runs with nested loops off (groupsUnion). */
type Extras = RiskSources & { riskRead: RiskRead; groupedUnion: boolean };

/**
 * The whole preview in one statement: the rule is evaluated once (`mm`, a common table expression
 * read twice; a broad rule is written into each part, RiskRead `broad` and `walk`), then the
 * `figures` row (matches per risk level) and the `sample` rows (the matches with the lowest ids)
 * come back together. Two statements evaluated the rule twice, doubling the work.
 */
const previewStatement = (knex: Knex, rule: unknown, now: Date, size: number, choice: StrategyChoice, extras: Extras) => {
  // Per match, by key (joinRowByKey): under the join strategy's `enable_nestloop = off` plain joins
  // hashed the whole metrics and customers tables to find the matches' rows.
  const lookup = (query: Knex.QueryBuilder, table: string, alias: string, key: string, on: string) => joinRowByKey(knex, query, table, alias, key, on);
  const hashed = extras.riskRead !== 'lookup';
  const sums = hashed ? figuresHashed(knex, now, extras) : figuresLookedUp(knex, now, extras);
  const none = (columns: readonly string[]) => columns.map((c) => knex.raw(`null as ${c}`));
  // Wrapped (knex would put an aggregate's clauses after the union), with the union's null
  // columns out here where the union types them.
  const figures = knex.from(sums.as('f')).select(knex.raw("'figures' as part"), ...none(SAMPLE_COLUMNS), ...FIGURES.map((c) => `f.${c}`));
  // The lowest ids: a bounded top-N over the matches (memory of `size` rows, one pass), never a sort
  // of them all; or a walk in id order (RiskRead `walk`).
  const first = Math.max(size, 1);
  const lowest =
    extras.riskRead === 'walk'
      ? matchQuery(knex, rule, { now, tagIds: choice.tagIds, walk: true }).orderBy('c.id').limit(first)
      : knex.from('mm').select('mm.customer_id').orderBy('mm.customer_id').limit(first);
  const sample = lookup(
    lookup(knex.from(lowest.as('first')), H.customers, 'c', 'id', 'first.customer_id'),
    TABLES.metrics,
    'm',
    'customer_id',
    'first.customer_id'
  ).select(knex.raw("'sample' as part"), 'c.id', 'c.document_id', 'c.name', 'c.region', 'c.stage', 'm.total_spent', 'm.last_order_at', ...none(FIGURES));
  const match = hashed
    ? matchQuery(knex, rule, {
        now,
        ...choice,
        joinRollups: { metricsWhere: RISK_METRICS_WHERE, scores: extras.scored },
        groupedUnion: extras.groupedUnion,
      }).select(...(extras.scored ? ['s.churn_risk'] : []), 'm.overdue_amount', 'm.complaint_count')
    : matchQuery(knex, rule, { now, ...choice });
  return withQuery(knex, 'mm', match, extras.riskRead === 'broad' || extras.riskRead === 'walk')
    .select('*')
    .from(figures.unionAll(size > 0 ? [sample] : []).as('preview'));
};

/**
 * The share of the customers PostgreSQL estimates the rule to match (null elsewhere: SQLite and
 * MySQL look up by index as their planners choose). The strategy's own estimate of the
 * candidates (at least the matches) is reused when it made one; otherwise one EXPLAIN of the rule.
 * Above RISK_HASH_MIN_SHARE the risk split hashes the rollups (RiskRead `hash`); from
 * MERGE_MIN_SHARE on (a broad rule) it takes RiskRead `broad` or `walk`.
 */
const estimatedShare = async (knex: Knex, rule: unknown, now: Date, choice: StrategyChoice): Promise<number | null> => {
  if (!hasPlanEstimates(knex)) return null;
  const customers = choice.estimate?.customers ?? (await estimatedTableRows(knex, H.customers));
  if (!customers) return null;
  const matches = choice.estimate?.candidates ?? (await estimatedRows(knex, matchQuery(knex, rule, { now, ...choice }).toSQL()));
  return matches / customers;
};

/**
 * A broad match (this share of the customers and more, as PostgreSQL estimates it) previews with
 * RiskRead `broad` or `walk`, and joins both rollups by merge, not hash (core/db/dialect/planner.ts
 * mergeJoins): at 1M customers the broad rule's preview went from 1.9 s to 1.3 s with the merge
 * joins. Below it the rule's own joins are better left to the planner (a 5 % nested rule went
 * from 0.8 s to 1.4 s with hash joins off), and the sample would have to find its few matches
 * through the whole rule again.
 */
export const MERGE_MIN_SHARE = 0.4;

/**
 * True when the match comes out in customer id order, so that the sample's lowest ids are its
 * first rows: the probe strategy walks the customers' key. The join strategy hashes, and a sorted
 * union sorts all of its ids first; computed again for the sample, they would cost a second match.
 */
const inIdOrder = (choice: StrategyChoice) => choice.strategy === 'probe' && !choice.sortUnion;

/**
 * A walked preview's union of customers is grouped (compile.ts groupedUnion), deduped by parallel
 * workers, under merge joins only: seven signals at 1M, 1.39M rows into 565k customers, 0.70 s →
 * 0.60 s for the statement. A UNION is deduped by one process.
 */
const groupsUnion = (choice: StrategyChoice, riskRead: RiskRead) => riskRead === 'walk' && Boolean(choice.sortUnion);

const evaluate = async (knex: Knex, rule: unknown, now: Date, size: number, choice: StrategyChoice, extras: Extras) => {
  const rows: Array<Record<string, unknown>> = await previewStatement(knex, rule, now, size, choice, extras);
  const n = (v: unknown) => Number(v ?? 0);
  const figures = rows.find((r) => r.part === 'figures') ?? {};
  const sample: PreviewSample[] = rows
    .filter((r) => r.part === 'sample')
    .map((r) => ({
      id: Number(r.id),
      documentId: String(r.document_id),
      name: String(r.name ?? ''),
      region: (r.region as string | null) ?? null,
      stage: String(r.stage ?? ''),
      total_spent: Number(r.total_spent ?? 0),
      last_order_at: readDate(r.last_order_at)?.toISOString() ?? null,
    }))
    .sort((a, b) => a.id - b.id);
  const [count, high, medium] = [n(figures.count), n(figures.high), n(figures.medium)];
  return { count, low: count - high - medium, medium, high, scored: n(figures.scored), sample };
};

/** Runs a preview of a valid rule (callers validate first; an invalid rule throws RuleValidationError). */
export const previewRule = async (knex: Knex, input: PreviewInput): Promise<PreviewResult> => {
  const started = process.hrtime.bigint();
  const now = input.now ?? new Date();
  const size = Math.min(Math.max(0, input.sampleSize ?? DEFAULT_SAMPLE_SIZE), MAX_SAMPLE_SIZE);
  const within = input.within?.rules.length ? input.within : null;
  const rule = within ? { and: [...within.rules, input.rule] } : input.rule;
  const choice = await chooseStrategy(knex, rule, now, input.strategy);
  const { strategy } = choice;
  const [sources, share] = await Promise.all([riskSources(knex), input.riskRead ? null : estimatedShare(knex, rule, now, choice)]);
  const broad = share !== null && share >= MERGE_MIN_SHARE;
  const riskRead = input.riskRead ?? (share === null || share <= RISK_HASH_MIN_SHARE ? 'lookup' : !broad ? 'hash' : inIdOrder(choice) ? 'broad' : 'walk');
  const groupedUnion = groupsUnion(choice, riskRead);
  // The preview and the total (kept between previews, customers/total.ts) side by side.
  const [agg, total] = await Promise.all([
    wholeTableStatement(knex, (trx) => evaluate(trx, rule, now, size, choice, { ...sources, riskRead, groupedUnion }), {
      ...tuningOf(choice),
      mergeJoins: riskRead !== 'lookup' && broad,
      noNestLoops: groupedUnion,
      timeoutMs: input.timeoutMs,
    }),
    customerTotal(knex),
  ]);
  const warnings = [...analyseRule(input.rule), ...(input.extraWarnings ?? [])];
  if (agg.count === 0) warnings.push(emptyWarning());
  const fallback = agg.count - agg.scored;
  return {
    count: agg.count,
    total,
    share: total === 0 ? 0 : agg.count / total,
    sample: agg.sample,
    riskDistribution: { low: agg.low, medium: agg.medium, high: agg.high },
    riskBasis: { basis: fallback === 0 && agg.count > 0 ? 'scores' : agg.scored === 0 ? 'tags' : 'mixed', scored: agg.scored, fallback, method: RISK_METHOD },
    warnings,
    now: now.toISOString(),
    strategy,
    scope: within ? { parent: within.parent } : null,
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
};
