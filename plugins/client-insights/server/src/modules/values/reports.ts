import type { Knex } from 'knex';
import { readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import type { ClvBasis } from '../../../../shared/contracts/values';
import { QUADRANTS } from './config';
import { suggestionsFor } from './suggestions';

/** Read side of the value models: the R×F matrix, quadrant counts and migration, one customer's score. */
export const latestRunId = async (knex: Knex): Promise<number | null> => {
  const row = await knex(TABLES.valueRuns).where({ status: 'success' }).orderBy('id', 'desc').first('id');
  return row ? Number(row.id) : null;
};

/** What a run's CLV figures measure (shared/contracts/values.ts clvBasisSchema), from its stored CLV model; null without one. */
const toClvBasis = (row: { method: string; params: string } | undefined): ClvBasis | null => {
  if (!row) return null;
  const p = JSON.parse(row.params);
  return { horizonMonths: Number(p.horizonMonths), monthlyDiscountRate: Number(p.monthlyDiscountRate), marginRate: Number(p.marginRate), method: row.method };
};

export const clvBasis = async (knex: Knex, runId: number | null): Promise<ClvBasis | null> =>
  runId === null ? null : toClvBasis(await knex(TABLES.valueModels).where({ run_id: runId, kind: 'clv' }).first('method', 'params'));

/** The CLV basis of the run that wrote a score (`ci_customer_scores.model_version`). */
export const clvBasisOfVersion = async (knex: Knex, modelVersion: string | null): Promise<ClvBasis | null> => {
  const run = modelVersion ? await knex(TABLES.valueRuns).where({ model_version: modelVersion }).first('id') : null;
  return clvBasis(knex, run ? Number(run.id) : null);
};

/** R×F cells of buyers in the latest run (count, average winsorised M) and quadrant counts of the latest scores. */
export const rfmMatrix = async (knex: Knex) => {
  const runId = await latestRunId(knex);
  const run = runId === null ? null : await knex(TABLES.valueRuns).where({ id: runId }).first();
  const cells =
    runId === null
      ? []
      : await knex(TABLES.valueHistory)
          .where({ run_id: runId, has_orders: 1 })
          .groupBy('r', 'f')
          .orderBy([
            { column: 'r', order: 'desc' },
            { column: 'f', order: 'asc' },
          ])
          .select('r', 'f', knex.raw('count(*) as customers'), knex.raw('avg(monetary_capped) as avg_monetary'));
  const quadrantRows = await knex(TABLES.scores).whereNotNull('quadrant').groupBy('quadrant').select('quadrant', knex.raw('count(*) as customers'));
  const quadrants = Object.fromEntries(QUADRANTS.map((q) => [q, 0])) as Record<string, number>;
  for (const row of quadrantRows) quadrants[row.quadrant] = Number(row.customers);
  return {
    runId,
    modelVersion: run?.model_version ?? null,
    calculatedAt: run ? readDate(run.started_at) : null,
    stats: run?.stats ? JSON.parse(run.stats) : null,
    matrix: cells.map((c: any) => ({
      r: Number(c.r),
      f: Number(c.f),
      customers: Number(c.customers),
      avgMonetary: Math.round(Number(c.avg_monetary) * 100) / 100,
    })),
    quadrants,
  };
};

/** Quadrant migration between two runs (default: the two latest) as a from × to count matrix; `none` = not scored in that run. */
/** The two runs a migration compares: those given, else the two latest successful ones. */
export const migrationRuns = async (knex: Knex, fromRun?: number, toRun?: number) => {
  const runs = (await knex(TABLES.valueRuns).where({ status: 'success' }).orderBy('id', 'desc').limit(2).select('id')).map((r: any) => Number(r.id));
  return { to: toRun ?? runs[0], from: fromRun ?? runs[1] };
};

export const quadrantMigration = async (knex: Knex, fromRun?: number, toRun?: number) => {
  const { from, to } = await migrationRuns(knex, fromRun, toRun);
  if (to === undefined || from === undefined) return { fromRun: from ?? null, toRun: to ?? null, cells: [] };
  const pairs = await knex
    .from(`${TABLES.valueHistory} as b`)
    .leftJoin(`${TABLES.valueHistory} as a`, (j) => j.on('a.customer_id', 'b.customer_id').andOn('a.run_id', knex.raw('?', [from])))
    .where('b.run_id', to)
    .groupBy('a.quadrant', 'b.quadrant')
    .select(knex.raw("coalesce(a.quadrant, 'none') as from_quadrant"), 'b.quadrant as to_quadrant', knex.raw('count(*) as customers'));
  // Customers scored in the earlier run only (deleted since).
  const gone = await knex
    .from(`${TABLES.valueHistory} as a`)
    .where('a.run_id', from)
    .whereNotExists(knex(`${TABLES.valueHistory} as b`).where('b.run_id', to).whereRaw('b.customer_id = a.customer_id').select(knex.raw('1')))
    .groupBy('a.quadrant')
    .select('a.quadrant as from_quadrant', knex.raw("'none' as to_quadrant"), knex.raw('count(*) as customers'));
  return {
    fromRun: from,
    toRun: to,
    cells: [...pairs, ...gone].map((p: any) => ({ from: p.from_quadrant, to: p.to_quadrant, customers: Number(p.customers) })),
  };
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** One customer's latest value score with the model outputs of that run and localised suggestions; null when not scored. */
export const customerValueScore = async (knex: Knex, customerId: number) => {
  const score = await knex(TABLES.scores).where({ customer_id: customerId }).first();
  if (!score) return null;
  const run = await knex(TABLES.valueRuns).where({ model_version: score.model_version }).first('id');
  const model = run ? await knex(TABLES.valueModelScores).where({ run_id: run.id, customer_id: customerId }).first() : null;
  return {
    customerId,
    r: num(score.r),
    f: num(score.f),
    m: num(score.m),
    rfm: num(score.rfm),
    rfmSegment: score.rfm_segment,
    quadrant: score.quadrant,
    clv: num(score.clv),
    clvMethod: model?.clv_method ?? null,
    /** What `clv` measures (horizon, margin rate, discount). */
    clvBasis: run ? await clvBasis(knex, Number(run.id)) : null,
    pAlive: num(model?.p_alive),
    churnRisk: num(score.churn_risk),
    renewalProbability: num(score.renewal_probability),
    upsellProbability: num(score.upsell_probability),
    suggestions: suggestionsFor(score.rfm_segment, score.quadrant),
    modelVersion: score.model_version,
    calculatedAt: readDate(score.calculated_at),
  };
};

/** The models fitted in a run (default: latest), parameters parsed. */
export const fittedModels = async (knex: Knex, runId?: number) => {
  const id = runId ?? (await latestRunId(knex));
  if (id === null) return { runId: null, clv: null, models: [] };
  const rows = await knex(TABLES.valueModels).where({ run_id: id }).orderBy('id');
  return {
    runId: id,
    /** What the run's CLV measures: horizon, margin rate, discount. */
    clv: toClvBasis(rows.find((m: any) => m.kind === 'clv')),
    models: rows.map((m: any) => ({
      kind: m.kind,
      version: m.version,
      method: m.method,
      params: JSON.parse(m.params),
      logLikelihood: num(m.log_likelihood),
      metrics: m.metrics ? JSON.parse(m.metrics) : null,
      fittedAt: readDate(m.fitted_at),
    })),
  };
};
