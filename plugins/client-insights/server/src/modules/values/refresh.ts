import type { Knex } from 'knex';
import { analyzeTables, bindDate, bulkInsert, rowsOf, withWorkMem } from '../../core/db/dialect';
import type { Sql } from '../../core/db/sql-fragment';
import { TABLES, type HostTables } from '../../core/db/tables';
import type { EventBus } from '../../core/events/bus';
import { isCancellation } from '../../core/jobs/status';
import { REFRESH_PHASES } from '../../../../shared/enums';
import { FIELDS } from '../rules/catalogue';
import { columns } from './columns';
import { fitClv, scoreClv, type ClvSummary } from './clv';
import type { ValueConfig } from './config';
import { FEATURE_NAMES, featureStatement } from './features-sql';
import { predictLogistic, type Dataset } from './models/logistic';
import { trainPropensity, type PropensityResult } from './propensity';
import { rfmInsertStatement, VALUE_SCORING_MAX_DISTINCT } from './rfm-sql';
import { clvSummaryStatement } from './summary-sql';

const DAY = 86_400_000;
/**
 * Customer-id range read per query: bounds the rows a driver materialises at once. With 250,000 the
 * server peaked at 476 MB RSS during a refresh at 1M customers, with 100,000 at 428 MB, a few
 * seconds slower (docs/architecture.md, "Memory"); each page re-joins orders and interactions.
 */
const PAGE_IDS = 100_000;

/** The columns of ci_value_model_scores a run writes, in the order of its rows. */
const SCORE_COLUMNS = [
  'run_id',
  'customer_id',
  'p_alive',
  'expected_transactions',
  'expected_spend',
  'clv',
  'clv_method',
  'churn_risk',
  'renewal_probability',
  'upsell_probability',
];

/** Per sort / hash memory for the big set statements (PostgreSQL; see withWorkMem). */
const WORK_MEM_MB = 256;

export type RefreshInput = {
  knex: Knex;
  tables: HostTables;
  config: ValueConfig;
  now?: Date;
  trigger: 'api' | 'admin' | 'schedule' | 'script';
  jobId?: number | null;
  /** Reports the fraction done (0..1) and the phase; throws JobCancelledError to stop the run. */
  progress?: (fraction: number, phase: RefreshPhase) => Promise<void>;
  /** Where the run announces `values.refreshed` (hooks in the publish transaction, listeners after it). */
  events?: Pick<EventBus, 'within' | 'publish'>;
  /** Customer ids per page (PAGE_IDS); tests set a few to cover the merge across pages. */
  pageIds?: number;
};

/** The rule fields a run rewrites: every `score.*` field of the catalogue. */
export const SCORE_FIELDS = FIELDS.map((f) => f.path).filter((path) => path.startsWith('score.'));

/** The phases a run reports, in order (the admin translates each); declared with the API contracts. */
export { REFRESH_PHASES };
export type RefreshPhase = (typeof REFRESH_PHASES)[number];

export type RefreshResult = {
  runId: number;
  modelVersion: string;
  stats: { customers: number; withOrders: number; withoutOrders: number; missingRecency: number; missingMargin: number; scoredByValue: Array<'r' | 'f' | 'm'> };
  clv: { method: string; reason: string | null };
  renewalAuc: number | null;
  upsellAuc: number | null;
  timingsMs: Record<string, number>;
};

const exec = (knex: Knex, statement: Sql) => knex.raw(statement.sql, statement.bindings as any[]);

/** Model version of a run: run id and calculation instant, e.g. `v12-20261122T0810Z`. */
export const versionOf = (runId: number, at: Date) => `v${runId}-${at.toISOString().replace(/[-:]/g, '').slice(0, 13)}Z`;

/** The customer id ranges of `size` ids each, over the customers' lowest to highest id. */
const idPages = async (knex: Knex, tables: HostTables, size: number): Promise<Array<[number, number]>> => {
  const range = await knex(tables.customers).min({ lo: 'id' }).max({ hi: 'id' }).first();
  const lo = Number(range?.lo ?? 1);
  const hi = Number(range?.hi ?? 0);
  const pages: Array<[number, number]> = [];
  for (let from = lo; from <= hi; from += size) pages.push([from, from + size - 1]);
  return pages;
};

/** Runs `statement` over one id range with the refresh's work_mem; answers its rows. */
const pageRows = async (knex: Knex, statement: Sql) => rowsOf(await withWorkMem(knex, WORK_MEM_MB, (trx) => exec(trx, statement)));

/** Runs the page query for each id range and hands every row to `each`, in customer order. */
const forEachPage = async (knex: Knex, pages: Array<[number, number]>, statement: (from: number, to: number) => Sql, each: (row: any) => void) => {
  for (const [from, to] of pages) for (const row of await pageRows(knex, statement(from, to))) each(row);
};

/** A page's features; `capacity` sizes the columns so that they are not grown (and copied) while filled. */
const featureColumns = (capacity?: number) => columns([...FEATURE_NAMES, 'customer_id', 'renewal_label', 'upsell_label'] as const, capacity);

/** Features as log1p (the 0/1 contract flag as is), flat row-major, with their labels and customer ids. */
const datasetsOf = (cols: ReturnType<typeof featureColumns>) => {
  const d = FEATURE_NAMES.length;
  const v = cols.values();
  const rows = cols.length;
  const X = new Float64Array(rows * d);
  FEATURE_NAMES.forEach((name, j) => {
    const column = v[name];
    for (let i = 0; i < rows; i += 1) {
      const value = Math.max(Number.isFinite(column[i]) ? column[i] : 0, 0);
      X[i * d + j] = name === 'contract_running' ? value : Math.log1p(value);
    }
  });
  const label = (c: Float64Array) => Uint8Array.from(c, (value) => (value > 0 ? 1 : 0));
  return {
    ids: v.customer_id,
    renewal: { X, y: label(v.renewal_label), rows, features: d } as Dataset,
    upsell: { X, y: label(v.upsell_label), rows, features: d } as Dataset,
  };
};

/** Every customer's features at `at`; `sampleEvery` samples customers for training (in SQL). */
const loadFeatures = async (knex: Knex, pages: Array<[number, number]>, at: Date, windowDays: number, sampleEvery = 1) => {
  const cols = featureColumns();
  await forEachPage(
    knex,
    pages,
    (from, to) => featureStatement(knex, at, windowDays, from, to, sampleEvery),
    (row) => cols.push(row)
  );
  return datasetsOf(cols);
};

/** Marks runs left `running` by a dead process as failed and drops their partial rows (caller holds the run lock). */
const clearAbandonedRuns = async (knex: Knex) => {
  const abandoned = (await knex(TABLES.valueRuns).where({ status: 'running' }).select('id')).map((r: { id: number }) => Number(r.id));
  if (!abandoned.length) return;
  await knex(TABLES.valueHistory).whereIn('run_id', abandoned).delete();
  await knex(TABLES.valueModelScores).whereIn('run_id', abandoned).delete();
  await knex(TABLES.valueRuns).whereIn('id', abandoned).update({ status: 'failed', error: 'abandoned: the process stopped during the run' });
};

/**
 * The letters the run scored by value, not by quantile (rfm-sql.ts valueScore): at most
 * VALUE_SCORING_MAX_DISTINCT distinct values among buyers. Each letter's distinct values up to one
 * more than that, side by side (a count(distinct) sorts every buyer: 1.3 s at 1M on PostgreSQL).
 */
const lettersScoredByValue = async (knex: Knex, runId: number) => {
  const letters = [
    ['r', 'recency_days'],
    ['f', 'frequency'],
    ['m', 'monetary'],
  ] as const;
  const few = await Promise.all(
    letters.map(async ([, column]) => {
      const values = await knex(TABLES.valueHistory)
        .where({ run_id: runId, has_orders: 1 })
        .whereNotNull(column)
        .distinct(column)
        .limit(VALUE_SCORING_MAX_DISTINCT + 1);
      return values.length > 0 && values.length <= VALUE_SCORING_MAX_DISTINCT;
    })
  );
  return letters.filter((_, i) => few[i]).map(([letter]) => letter);
};

export const refreshValues = async (input: RefreshInput): Promise<RefreshResult> => {
  const { knex, tables, config, trigger, pageIds = PAGE_IDS } = input;
  const now = input.now ?? new Date();
  const progress = input.progress ?? (async () => undefined);
  const timingsMs: Record<string, number> = {};
  let clock = Date.now();
  const lap = (name: string) => {
    const t = Date.now();
    timingsMs[name] = t - clock;
    clock = t;
  };

  await clearAbandonedRuns(knex);
  // Planner statistics for bulk-loaded source tables that never had any (see analyzeTables).
  await analyzeTables(knex, [tables.customers, TABLES.customerOrders, TABLES.customerEvents, tables.tags, TABLES.customerTags]);
  const [inserted] = await knex(TABLES.valueRuns).insert(
    { status: 'running', trigger, job_id: input.jobId ?? null, config: JSON.stringify(config), started_at: bindDate(knex, now) },
    ['id']
  );
  const runId = Number(typeof inserted === 'object' ? inserted.id : inserted);
  const modelVersion = versionOf(runId, now);
  try {
    // 1. RFM, segments and quadrants: one statement.
    await progress(0.05, 'rfm');
    await withWorkMem(knex, WORK_MEM_MB, (trx) => exec(trx, rfmInsertStatement({ knex: trx, tables, config, runId, now })));
    await analyzeTables(knex, [TABLES.valueHistory], { always: true });
    const counts = await knex(TABLES.valueHistory)
      .where({ run_id: runId })
      .select(
        knex.raw('count(*) as customers'),
        knex.raw('sum(has_orders) as with_orders'),
        knex.raw('sum(case when has_orders = 1 and recency_days is null then 1 else 0 end) as missing_recency'),
        knex.raw('sum(case when margin_missing > 0 then 1 else 0 end) as missing_margin')
      )
      .first();
    const scoredByValue = config.rfm.scoring.method === 'quantile' ? await lettersScoredByValue(knex, runId) : [];
    const stats = {
      customers: Number(counts?.customers ?? 0),
      withOrders: Number(counts?.with_orders ?? 0),
      withoutOrders: Number(counts?.customers ?? 0) - Number(counts?.with_orders ?? 0),
      missingRecency: Number(counts?.missing_recency ?? 0),
      missingMargin: Number(counts?.missing_margin ?? 0),
      scoredByValue,
    };
    lap('rfm');

    // 2. CLV: per-buyer summary (one aggregate, paged by id range), fit on a sample, score every buyer.
    // Its columns are sized to the buyers just counted: grown by doubling they held up to twice
    // that, and the last growth copied half of it.
    await progress(0.3, 'clv');
    const pages = await idPages(knex, tables, pageIds);
    const summaryCols = columns(
      ['customer_id', 'x', 'tx', 'age', 'repeat_total', 'total', 'margin', 'risk_tag', 'overdue_amount', 'complaints'] as const,
      stats.withOrders
    );
    await forEachPage(
      knex,
      pages,
      (from, to) => clvSummaryStatement(knex, runId, now, from, to),
      (row) => summaryCols.push(row)
    );
    const s = summaryCols.values();
    const summary: ClvSummary = {
      x: s.x,
      tx: s.tx,
      age: s.age,
      repeatTotal: s.repeat_total,
      total: s.total,
      margin: s.margin,
      riskTag: s.risk_tag,
      overdue: s.overdue_amount,
      complaints: s.complaints,
    };
    lap('clv_summary');
    const clvFit = fitClv(summary, config);
    lap('clv_fit');

    // 3. Propensity: train two windows back, evaluate one window back, score at now.
    await progress(0.5, 'propensity');
    const w = config.propensity.windowDays;
    const sampleEvery = Math.max(1, Math.ceil(stats.withOrders / config.clv.fitSampleSize));
    const train = await loadFeatures(knex, pages, new Date(now.getTime() - 2 * w * DAY), w, sampleEvery);
    const holdout = await loadFeatures(knex, pages, new Date(now.getTime() - w * DAY), w, sampleEvery);
    const renewal = trainPropensity(train.renewal, holdout.renewal, config.propensity.l2, config.propensity.minClassSize);
    const upsell = trainPropensity(train.upsell, holdout.upsell, config.propensity.l2, config.propensity.minClassSize);
    lap('propensity_fit');

    // 4. Per-customer model outputs, one id page at a time: the page's current features merged
    // with the CLV summary by customer id (both in customer order). Page by page, because every
    // customer's features at once were about 100 MB of arrays more at 1M customers (bench:memory).
    await progress(0.75, 'scores');
    const ids = s.customer_id;
    function* rows(current: ReturnType<typeof datasetsOf>, first: number, end: number) {
      const feature = current.renewal;
      const predict = (result: PropensityResult, row: number) =>
        result.model && row >= 0 ? predictLogistic(result.model, feature.X, row * feature.features) : null;
      let k = 0;
      for (let i = first; i < end; i += 1) {
        while (k < current.ids.length && current.ids[k] < ids[i]) k += 1;
        const row = k < current.ids.length && current.ids[k] === ids[i] ? k : -1;
        const score = scoreClv(clvFit, summary, i, config);
        // A value the columns cannot hold (overflow in a degenerate fit) is stored as unknown, not as a wrong number.
        const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
        yield [
          runId,
          ids[i],
          finite(score.pAlive),
          finite(score.expectedTransactions),
          finite(score.expectedSpend),
          finite(Math.round(score.clv * 100) / 100),
          clvFit.method,
          finite(score.churnRisk),
          predict(renewal, row),
          predict(upsell, row),
        ] as Array<number | string | null>;
      }
    }
    let next = 0;
    for (const [from, to] of pages) {
      const first = next;
      while (next < ids.length && ids[next] <= to) next += 1;
      if (next === first) continue;
      const page = featureColumns(next - first); // the page's buyers: one feature row each
      for (const row of await pageRows(knex, featureStatement(knex, now, w, from, to))) page.push(row);
      await bulkInsert(knex, TABLES.valueModelScores, SCORE_COLUMNS, rows(datasetsOf(page), first, next));
    }
    await analyzeTables(knex, [TABLES.valueModelScores], { always: true });
    lap('scores_write');

    // 5. Model records: parameters, log-likelihood / holdout metrics, fit date = the model version.
    const fittedAt = bindDate(knex, now);
    const modelRow = (kind: string, method: string, params: unknown, logLikelihood: number | null, metrics: unknown) => ({
      run_id: runId,
      kind,
      version: modelVersion,
      method,
      params: JSON.stringify(params),
      log_likelihood: logLikelihood,
      metrics: JSON.stringify(metrics),
      fitted_at: fittedAt,
    });
    await knex(TABLES.valueModels).insert([
      modelRow('rfm', config.rfm.scoring.method, config.rfm, null, stats),
      modelRow('clv', clvFit.method, { ...config.clv, marginRate: clvFit.marginRate }, null, { reason: clvFit.reason, buyers: ids.length }),
      ...(clvFit.bgnbd
        ? [modelRow('bgnbd', 'mle', clvFit.bgnbd.params, clvFit.bgnbd.logLikelihood, { customers: clvFit.bgnbd.customers, converged: clvFit.bgnbd.converged })]
        : []),
      ...(clvFit.gammaGamma
        ? [
            modelRow('gamma_gamma', 'mle', clvFit.gammaGamma.params, clvFit.gammaGamma.logLikelihood, {
              customers: clvFit.gammaGamma.customers,
              converged: clvFit.gammaGamma.converged,
            }),
          ]
        : []),
      ...(
        [
          ['renewal', renewal],
          ['upsell', upsell],
        ] as const
      ).map(([kind, r]) =>
        modelRow(kind, r.model ? 'logistic_l2' : 'none', r.model ? { ...r.model, features: FEATURE_NAMES } : { reason: r.reason }, null, r.metrics)
      ),
    ]);

    // 6. Publish: the latest scores change in one transaction, so readers see one run or the other.
    // Every row changes (model version and time at least), so the table is rewritten: a delete and
    // a plain insert cost a third less than an upsert probing the key for each row, and drop the
    // customers that no longer exist on the way. In customer order, the order of the table's key.
    // The last cancel check: once the publish starts the run completes.
    await progress(0.9, 'publish');
    const refreshed = { runId, modelVersion, at: now.toISOString(), fields: SCORE_FIELDS };
    await withWorkMem(knex, WORK_MEM_MB, async (trx) => {
      await trx(TABLES.scores).delete();
      await trx.raw(
        `insert into ${TABLES.scores} (customer_id, r, f, m, rfm, rfm_segment, quadrant, clv, churn_risk, renewal_probability, upsell_probability, model_version, calculated_at)
         select h.customer_id, h.r, h.f, h.m, h.rfm, h.rfm_segment, h.quadrant, ms.clv, ms.churn_risk, ms.renewal_probability, ms.upsell_probability, ?, ?
         from ${TABLES.valueHistory} h left join ${TABLES.valueModelScores} ms on ms.run_id = h.run_id and ms.customer_id = h.customer_id
         where h.run_id = ? order by h.customer_id`,
        [modelVersion, bindDate(trx, now), runId]
      );
      await trx(TABLES.valueRuns)
        .where({ id: runId })
        .update({ status: 'success', model_version: modelVersion, stats: JSON.stringify(stats), finished_at: bindDate(trx, new Date()) });
      await input.events?.within(trx, 'values.refreshed', refreshed);
    });
    void input.events?.publish('values.refreshed', refreshed);
    lap('publish');

    // 7. Keep the last `keepRuns` successful runs' rows.
    const keep = await knex(TABLES.valueRuns).where({ status: 'success' }).orderBy('id', 'desc').limit(config.keepRuns).select('id');
    const oldest = Math.min(...keep.map((r: { id: number }) => Number(r.id)));
    await knex(TABLES.valueHistory).where('run_id', '<', oldest).delete();
    await knex(TABLES.valueModelScores).where('run_id', '<', oldest).delete();
    // The publish left a dead copy of every score row. Reclaimed now (PostgreSQL), not left to
    // autovacuum, which may be off (CI) or late: otherwise each run writes past a table one run
    // larger and checks its key against every dead copy of it. (VACUUM cannot run in a transaction.)
    if (!(knex as Knex.Transaction).isTransaction) await analyzeTables(knex, [TABLES.scores], { always: true, vacuum: true });
    lap('prune');

    return {
      runId,
      modelVersion,
      stats,
      clv: { method: clvFit.method, reason: clvFit.reason },
      renewalAuc: renewal.metrics.holdoutAuc,
      upsellAuc: upsell.metrics.holdoutAuc,
      timingsMs,
    };
  } catch (error) {
    // Failed or cancelled before the publish: its rows go, the published scores stay as they were.
    const status = isCancellation(error) ? 'cancelled' : 'failed';
    await knex(TABLES.valueRuns)
      .where({ id: runId })
      .update({ status, error: (error as Error).message, finished_at: bindDate(knex, new Date()) });
    await knex(TABLES.valueHistory).where({ run_id: runId }).delete();
    await knex(TABLES.valueModelScores).where({ run_id: runId }).delete();
    throw error;
  }
};
