import type { Knex } from 'knex';
import { bindDate, readDate, wholeTableStatement } from '../db/dialect';
import { analyseRule, emptyWarning } from '../rules/analyse';
import { matchQuery } from '../rules/compile';
import type { RuleWarning } from '../rules/types';

/**
 * Preview of a rule: how many customers it selects now, a sample of them and their churn-risk
 * split. Every figure is a SQL aggregate over the compiled rule; only the sample rows reach Node.
 */
export const DEFAULT_SAMPLE_SIZE = 20;
export const MAX_SAMPLE_SIZE = 200;

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

export type PreviewSample = {
  id: number;
  documentId: string;
  name: string;
  region: string | null;
  stage: string;
  total_spent: number;
  last_order_at: string | null;
};

export type PreviewResult = {
  count: number;
  total: number;
  share: number;
  sample: PreviewSample[];
  riskDistribution: { low: number; medium: number; high: number };
  /** `scores` when every match has a churn score, `tags` when none has, `mixed` otherwise. */
  riskBasis: { basis: 'scores' | 'tags' | 'mixed'; scored: number; fallback: number; method: string };
  warnings: RuleWarning[];
  now: string;
  durationMs: number;
};

export type PreviewInput = { rule: unknown; now?: Date; sampleSize?: number; extraWarnings?: RuleWarning[] };

/** Customers carrying an unexpired tag of category `risk`, one row each (joined once, hashed). */
const riskTagged = (knex: Knex, now: Date) =>
  knex('ci_customer_tags as ct')
    .join('tags as t', 't.id', 'ct.tag_id')
    .where('t.category', 'risk')
    .andWhere((q) => q.whereNull('ct.expires_at').orWhere('ct.expires_at', '>', bindDate(knex, now) as any))
    .groupBy('ct.customer_id')
    .select('ct.customer_id');

/** `lvl`: risk level (0 low, 1 medium, 2 high) of a match, from `s` (scores), `m` (metrics), `rt` (risk tags). */
const riskLevelSql = (knex: Knex) =>
  knex.raw(
    `case when s.churn_risk is not null then
       (case when s.churn_risk >= ? then 2 when s.churn_risk >= ? then 1 else 0 end)
     else
       (case when ((case when rt.customer_id is not null then 2 else 0 end)
                 + (case when coalesce(m.overdue_amount, 0) > 0 then 1 else 0 end)
                 + (case when coalesce(m.complaint_count, 0) > 0 then 1 else 0 end)) >= 2 then 2
             when coalesce(m.overdue_amount, 0) > 0 or coalesce(m.complaint_count, 0) > 0 then 1
             else 0 end)
     end as lvl`,
    [RISK_THRESHOLDS.high, RISK_THRESHOLDS.medium]
  );

/** count + risk split of the matches in one statement. */
const aggregates = async (knex: Knex, rule: unknown, now: Date) => {
  const matches = matchQuery(knex, rule, { now });
  const levels = knex
    .from(matches.as('mm'))
    .leftJoin('ci_customer_scores as s', 's.customer_id', 'mm.customer_id')
    .leftJoin('ci_customer_metrics as m', 'm.customer_id', 'mm.customer_id')
    .leftJoin(riskTagged(knex, now).as('rt'), 'rt.customer_id', 'mm.customer_id')
    .select(riskLevelSql(knex), knex.raw('case when s.churn_risk is not null then 1 else 0 end as scored'));
  const row = await knex
    .from(levels.as('x'))
    .select(
      knex.raw('count(*) as count'),
      knex.raw('sum(case when x.lvl = 0 then 1 else 0 end) as low'),
      knex.raw('sum(case when x.lvl = 1 then 1 else 0 end) as medium'),
      knex.raw('sum(case when x.lvl = 2 then 1 else 0 end) as high'),
      knex.raw('sum(x.scored) as scored')
    )
    .first();
  const n = (v: unknown) => Number(v ?? 0);
  return { count: n(row?.count), low: n(row?.low), medium: n(row?.medium), high: n(row?.high), scored: n(row?.scored) };
};

const sample = async (knex: Knex, rule: unknown, now: Date, size: number): Promise<PreviewSample[]> => {
  if (size <= 0) return [];
  // Deterministic: the matches with the lowest ids.
  const rows = await knex
    .from('customers as c')
    .leftJoin('ci_customer_metrics as m', 'm.customer_id', 'c.id')
    .whereIn('c.id', matchQuery(knex, rule, { now }))
    .select('c.id', 'c.document_id', 'c.name', 'c.region', 'c.stage', 'm.total_spent', 'm.last_order_at')
    // `c.id + 0`, not `c.id`: ordering by the bare key lets PostgreSQL walk the primary key and test
    // the rule row by row until it has `size` matches (minutes for a rare rule); an expression makes
    // it find the matches as a set first and keep the lowest ids. Same rows, same order.
    .orderByRaw('c.id + 0')
    .limit(size);
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    documentId: String(r.document_id),
    name: String(r.name ?? ''),
    region: (r.region as string | null) ?? null,
    stage: String(r.stage ?? ''),
    total_spent: Number(r.total_spent ?? 0),
    last_order_at: readDate(r.last_order_at)?.toISOString() ?? null,
  }));
};

/** Runs a preview of a valid rule (callers validate first; an invalid rule throws RuleValidationError). */
export const previewRule = async (knex: Knex, input: PreviewInput): Promise<PreviewResult> => {
  const started = process.hrtime.bigint();
  const now = input.now ?? new Date();
  const size = Math.min(Math.max(0, input.sampleSize ?? DEFAULT_SAMPLE_SIZE), MAX_SAMPLE_SIZE);
  // Three statements side by side, each in its own connection and transaction (see wholeTableStatement).
  const [agg, rows, totalRow] = await Promise.all([
    wholeTableStatement(knex, (trx) => aggregates(trx, input.rule, now)),
    wholeTableStatement(knex, (trx) => sample(trx, input.rule, now, size)),
    knex('customers').count({ n: '*' }).first(),
  ]);
  const total = Number(totalRow?.n ?? 0);
  const warnings = [...analyseRule(input.rule), ...(input.extraWarnings ?? [])];
  if (agg.count === 0) warnings.push(emptyWarning());
  const fallback = agg.count - agg.scored;
  return {
    count: agg.count,
    total,
    share: total === 0 ? 0 : agg.count / total,
    sample: rows,
    riskDistribution: { low: agg.low, medium: agg.medium, high: agg.high },
    riskBasis: { basis: fallback === 0 && agg.count > 0 ? 'scores' : agg.scored === 0 ? 'tags' : 'mixed', scored: agg.scored, fallback, method: RISK_METHOD },
    warnings,
    now: now.toISOString(),
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
};
