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
import { migrate } from '../plugins/client-insights/server/src/db/migrate';
import { rowsOf } from '../plugins/client-insights/server/src/values/columns';
import { defaultValueConfig } from '../plugins/client-insights/server/src/values/config';
import { refreshValues } from '../plugins/client-insights/server/src/values/refresh';
import { DEFAULT_TABLES } from '../plugins/client-insights/server/src/values/tables';

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

/** The naive way: every order into Node, RFM by sorting in JS (run in a child process). */
const naiveRfm = async (database: string) => {
  const knex = connect(database);
  const meter = rssMeter();
  meter.start();
  const started = Date.now();
  try {
    const now = Date.now();
    const since = now - 730 * DAY;
    const customers = await knex('customers').select('id');
    const orders = await knex('orders as o')
      .join('orders_customer_lnk as l', 'l.order_id', 'o.id')
      .select('l.customer_id', 'o.amount', 'o.status', 'o.ordered_at');
    const per = new Map<number, { last: number; f: number; m: number }>();
    for (const o of orders) {
      if (o.status !== 'paid') continue;
      const at = new Date(o.ordered_at).getTime();
      if (at > now) continue;
      const entry = per.get(o.customer_id) ?? { last: 0, f: 0, m: 0 };
      entry.last = Math.max(entry.last, at);
      if (at > since) {
        entry.f += 1;
        entry.m += Number(o.amount);
      }
      per.set(o.customer_id, entry);
    }
    const buyers = [...per.entries()].map(([id, e]) => ({ id, r: Math.floor((now - e.last) / DAY), f: e.f, m: e.m }));
    const score = (values: number[], worseIsLarger: boolean) => {
      const sorted = [...values].sort((a, b) => (worseIsLarger ? b - a : a - b));
      const firstIndex = new Map<number, number>();
      sorted.forEach((v, i) => firstIndex.has(v) || firstIndex.set(v, i));
      return values.map((v) => 1 + Math.floor((5 * (firstIndex.get(v) as number)) / values.length));
    };
    const r = score(buyers.map((b) => b.r), true);
    const f = score(buyers.map((b) => b.f), false);
    const m = score(buyers.map((b) => b.m), false);
    let check = 0;
    for (let i = 0; i < buyers.length; i += 1) check += r[i] + f[i] + m[i];
    return { ms: Date.now() - started, peakRssMb: meter.stop(), customers: customers.length, orders: orders.length, checksum: check };
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
    const meter = rssMeter();
    meter.start();
    const started = Date.now();
    const result = await refreshValues({ knex, tables: DEFAULT_TABLES, config: defaultValueConfig(), trigger: 'script' });
    const totalMs = Date.now() - started;
    const peakRssMb = meter.stop();
    const models = rowsOf(await knex.raw('select kind, method, params, log_likelihood, metrics from ci_value_models where run_id = ?', [result.runId]));
    const t = result.timingsMs;
    return {
      database,
      ...size,
      timingsMs: {
        rfm: t.rfm,
        clvFitAndScoring: t.clv_summary + t.clv_fit + t.scores_write,
        churnAndPropensity: t.propensity_fit + t.propensity_features,
        publish: t.publish + t.prune,
        total: totalMs,
        steps: t,
      },
      peakRssMb,
      runId: result.runId,
      modelVersion: result.modelVersion,
      clv: result.clv,
      models: models.map((m: any) => ({ kind: m.kind, method: m.method, params: JSON.parse(m.params), logLikelihood: m.log_likelihood, metrics: m.metrics ? JSON.parse(m.metrics) : null })),
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
  const databases = (process.env.BENCH_DBS ?? 'ci_bench_100k,ci_bench_1m').split(',').map((s) => s.trim()).filter(Boolean);
  const results: any[] = [];
  for (const database of databases) {
    if (!(await exists(database))) {
      console.log(`skip ${database}: database not found (seed it with npm run seed)`);
      results.push({ database, skipped: 'database not found' });
      continue;
    }
    console.log(`${database}: full refresh …`);
    const sqlRun = await benchDatabase(database);
    console.log(`${database}: naive RFM (all orders into Node) …`);
    const naive = await runNaiveInChild(database);
    results.push({ ...sqlRun, naive: { rfmMs: naive.ms, peakRssMb: naive.peakRssMb, error: naive.error ?? null }, naiveOverSqlRfm: naive.ms / sqlRun.timingsMs.rfm });
  }
  const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a');
  console.log('\n| database | customers | orders | RFM s | CLV fit+score s | churn+propensity s | total s | peak RSS MB | naive RFM s | naive RSS MB | naive/SQL RFM |');
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
        host: { cpus: os.cpus().length, node: process.version, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
        targets: { rfm1mMs: 20_000, fullRefresh1mMs: 90_000, peakRssMb: 1024 },
        results,
      },
      null,
      2
    )
  );
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
