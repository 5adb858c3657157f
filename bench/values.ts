/**
 * Value-model benchmark (npm run bench:values) on PostgreSQL databases seeded by `npm run seed`
 * (default ci_bench_100k and ci_bench_1m; BENCH_DBS=a,b to choose). For each database it runs a
 * full refresh (RFM in SQL, CLV fit + scoring, churn and propensity) with per-step timings and the
 * peak Node RSS, then — in a child process, so its memory does not count against the real run —
 * the naive alternative: load every order into Node and compute RFM there. Prints a table and
 * writes bench/results/values.json. Targets (1M customers): RFM ≤ 20 s, full refresh ≤ 90 s,
 * RSS < 1 GB.
 */
import { fork } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { type Knex } from 'knex';
import { analyzeTables, rowsOf } from '../plugins/client-insights/server/src/core/db/dialect';
import { migrate } from '../plugins/client-insights/server/src/core/db/migrate';
import { defaultValueConfig } from '../plugins/client-insights/server/src/modules/values/config';
import { refreshValues } from '../plugins/client-insights/server/src/modules/values/refresh';
import { HOST_TABLES } from '../plugins/client-insights/server/src/core/db/tables';

const DAY = 86_400_000;
const connection = (database: string) => ({
  host: process.env.DATABASE_HOST ?? '127.0.0.1',
  port: Number(process.env.DATABASE_PORT ?? 5432),
  user: process.env.DATABASE_USERNAME ?? 'postgres',
  password: process.env.DATABASE_PASSWORD ?? '',
  database,
});
const connect = (database: string): Knex => knexFactory({ client: 'pg', connection: connection(database), pool: { min: 0, max: 4 } });

/** Peak RSS sampled every 20 ms between start() and stop(). */
const rssMeter = () => {
  let peak = 0;
  let timer: NodeJS.Timeout | null = null;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  return {
    start() {
      peak = 0;
      sample();
      timer = setInterval(sample, 20);
    },
    stop() {
      if (timer) clearInterval(timer);
      sample();
      return Math.round(peak / 1048576);
    },
  };
};

/**
 * The naive way, doing the same job as the RFM step: every order, the RFM-relevant interactions and
 * the risk tags into Node, RFM + segment + quadrant computed there, scores written back in batches
 * (to a temporary table). Run in a child process so its memory is measured on its own.
 */
const naiveRfm = async (database: string) => {
  const knex = connect(database);
  const meter = rssMeter();
  meter.start();
  const started = Date.now();
  try {
    const now = Date.now();
    const since = now - 730 * DAY;
    const ms = (v: unknown) => new Date(v as string).getTime();
    const customers = await knex('customers').select('id');
    const orders = await knex('orders as o')
      .join('orders_customer_lnk as l', 'l.order_id', 'o.id')
      .select('l.customer_id', 'o.amount', { status: 'o.payment_status' }, 'o.ordered_at');
    const interactions = await knex('interactions as i')
      .join('interactions_customer_lnk as l', 'l.interaction_id', 'i.id')
      .whereIn('i.type', ['complaint', 'negative_feedback'])
      .select('l.customer_id', 'i.occurred_at');
    const riskTags = await knex('ci_customer_tags as ct')
      .join('tags as t', 't.id', 'ct.tag_id')
      .where('t.category', 'risk')
      .select('ct.customer_id', 'ct.expires_at');
    type Acc = { last: number; f: number; m: number; paid: boolean; overdue: number; complaints: number; risk: boolean };
    const per = new Map<number, Acc>();
    const acc = (id: number) => {
      let e = per.get(id);
      if (!e) per.set(id, (e = { last: 0, f: 0, m: 0, paid: false, overdue: 0, complaints: 0, risk: false }));
      return e;
    };
    for (const o of orders) {
      const at = ms(o.ordered_at);
      if (at > now) continue;
      const e = acc(o.customer_id);
      if (o.status === 'overdue') e.overdue += Number(o.amount);
      if (o.status !== 'paid') continue;
      e.paid = true;
      e.last = Math.max(e.last, at);
      if (at > since) {
        e.f += 1;
        e.m += Number(o.amount);
      }
    }
    for (const i of interactions) if (ms(i.occurred_at) > since && ms(i.occurred_at) <= now) acc(i.customer_id).complaints += 1;
    for (const t of riskTags) if (t.expires_at === null || ms(t.expires_at) > now) acc(t.customer_id).risk = true;
    const buyers = customers.map((c: { id: number }) => ({ id: c.id, e: per.get(c.id) })).filter((b) => b.e?.paid);
    const score = (values: number[], worseIsLarger: boolean) => {
      const sorted = [...values].sort((a, b) => (worseIsLarger ? b - a : a - b));
      const firstIndex = new Map<number, number>();
      sorted.forEach((v, i) => firstIndex.has(v) || firstIndex.set(v, i));
      return values.map((v) => 1 + Math.floor((5 * (firstIndex.get(v) as number)) / values.length));
    };
    const r = score(
      buyers.map((b) => Math.floor((now - b.e!.last) / DAY)),
      true
    );
    const f = score(
      buyers.map((b) => b.e!.f),
      false
    );
    const m = score(
      buyers.map((b) => b.e!.m),
      false
    );
    const scored = new Map(buyers.map((b, i) => [b.id, { r: r[i], f: f[i], m: m[i] }]));
    await knex.transaction(async (trx) => {
      await trx.raw('create temporary table naive_scores (customer_id int, r int, f int, m int, quadrant varchar(20)) on commit drop');
      let batch: any[] = [];
      for (const c of customers) {
        const s = scored.get(c.id) ?? { r: 1, f: 1, m: 1 };
        const e = per.get(c.id);
        const risky = !!e && (e.risk || e.overdue > 0 || e.complaints >= 1);
        const quadrant = s.r >= 4 && s.f >= 4 && s.m >= 4 ? 'high_value' : s.r <= 2 && risky ? 'churn_risk' : s.r > 2 ? 'potential' : 'dormant';
        batch.push({ customer_id: c.id, ...s, quadrant });
        if (batch.length === 1000) {
          await trx('naive_scores').insert(batch);
          batch = [];
        }
      }
      if (batch.length) await trx('naive_scores').insert(batch);
    });
    return { ms: Date.now() - started, peakRssMb: meter.stop(), customers: customers.length, orders: orders.length };
  } finally {
    await knex.destroy();
  }
};

const runNaiveInChild = (database: string): Promise<{ ms: number; peakRssMb: number; error?: string }> =>
  new Promise((resolve) => {
    const child = fork(path.resolve(__dirname, '..', 'scripts', 'run-ts.js'), [__filename, '--naive', database], {
      execArgv: ['--max-old-space-size=6144'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: any) => resolve(message));
    child.on('exit', (code) => resolve({ ms: NaN, peakRssMb: NaN, error: `naive run exited with code ${code}` }));
  });

const exists = async (database: string) => {
  const admin = connect('postgres');
  try {
    const { rows } = await admin.raw('select 1 from pg_database where datname = ?', [database]);
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
};

const benchDatabase = async (database: string) => {
  const knex = connect(database);
  try {
    await migrate(knex);
    const count = async (table: string) => Number((await knex(table).count({ n: '*' }).first())?.n ?? 0);
    const size = { customers: await count('customers'), orders: await count('orders'), interactions: await count('interactions') };
    // The CI server runs PostgreSQL with autovacuum off: reclaim earlier runs' dead rows first (what
    // autovacuum does between two scheduled runs), untimed, so every run starts from the same state.
    await analyzeTables(knex, ['ci_value_score_history', 'ci_value_model_scores', 'ci_customer_scores'], { always: true, vacuum: true });
    const meter = rssMeter();
    meter.start();
    const started = Date.now();
    const result = await refreshValues({ knex, tables: HOST_TABLES, config: defaultValueConfig(), trigger: 'script' });
    const totalMs = Date.now() - started;
    const peakRssMb = meter.stop();
    const models = rowsOf(await knex.raw('select kind, method, params, log_likelihood, metrics from ci_value_models where run_id = ?', [result.runId]));
    const t = result.timingsMs;
    return {
      database,
      ...size,
      timingsMs: {
        rfm: t.rfm,
        // scores_write reads each page's current features too (refresh.ts, step 4).
        clvFitAndScoring: t.clv_summary + t.clv_fit + t.scores_write,
        churnAndPropensity: t.propensity_fit,
        publish: t.publish + t.prune,
        total: totalMs,
        steps: t,
      },
      peakRssMb,
      runId: result.runId,
      modelVersion: result.modelVersion,
      clv: result.clv,
      models: models.map((m: any) => ({
        kind: m.kind,
        method: m.method,
        params: JSON.parse(m.params),
        logLikelihood: m.log_likelihood,
        metrics: m.metrics ? JSON.parse(m.metrics) : null,
      })),
    };
  } finally {
    await knex.destroy();
  }
};

const main = async () => {
  if (process.argv[2] === '--naive') {
    const result = await naiveRfm(process.argv[3]).catch((error) => ({ ms: NaN, peakRssMb: NaN, error: String(error) }));
    process.send?.(result);
    return;
  }
  const databases = (process.env.BENCH_DBS ?? 'ci_bench_100k,ci_bench_1m')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const results: any[] = [];
  for (const database of databases) {
    if (!(await exists(database))) {
      console.log(`skip ${database}: database not found (seed it with npm run seed)`);
      results.push({ database, skipped: 'database not found' });
      continue;
    }
    console.log(`${database}: full refresh …`);
    const sqlRun = await benchDatabase(database);
    console.log(`${database}: naive RFM (orders, complaints and risk tags into Node, scores written back) …`);
    const naive = await runNaiveInChild(database);
    results.push({
      ...sqlRun,
      naive: { rfmMs: naive.ms, peakRssMb: naive.peakRssMb, error: naive.error ?? null },
      naiveOverSqlRfm: naive.ms / sqlRun.timingsMs.rfm,
    });
  }
  const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a');
  console.log(
    '\n| database | customers | orders | RFM s | CLV fit+score s | churn+propensity s | total s | peak RSS MB | naive RFM s | naive RSS MB | naive/SQL RFM |'
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.skipped) {
      console.log(`| ${r.database} | skipped: ${r.skipped} |`);
      continue;
    }
    console.log(
      `| ${r.database} | ${r.customers} | ${r.orders} | ${s(r.timingsMs.rfm)} | ${s(r.timingsMs.clvFitAndScoring)} | ${s(r.timingsMs.churnAndPropensity)} | ${s(r.timingsMs.total)} | ${r.peakRssMb} | ${s(r.naive.rfmMs)} | ${r.naive.peakRssMb} | ${Number.isFinite(r.naiveOverSqlRfm) ? r.naiveOverSqlRfm.toFixed(1) : 'n/a'}× |`
    );
  }
  const out = path.resolve(__dirname, 'results', 'values.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        host: { cpus: os.cpus().length, node: process.version, memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAtEnd: os.loadavg() },
        targets: { rfm1mMs: 20_000, fullRefresh1mMs: 90_000, peakRssMb: 1024 },
        results,
      },
      null,
      2
    )
  );
  console.log(
    `\nload ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; wrote ${path.relative(process.cwd(), out)}`
  );
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
