/**
 * `npm run bench:exports`: a chosen-fields export of N customers (BENCH_EXPORT_ROWS, default
 * 100000) × 20 fields on PostgreSQL (`ci_bench_100k` or DATABASE_*), as CSV and as .xlsx, through
 * the code the export job runs (exports/fields.ts reading pages of 1000 by id, store.ts writing
 * into ci_export_chunks, xlsx.ts through exceljs' streaming writer). Each format runs in a child
 * process of its own, so its peak RSS (sampled every 20 ms) is its own. The chunks are written
 * under a synthetic job id and deleted at the end. The customers are read from a scratch copy of
 * the first N (`ci_bench_export_customers`, dropped at the end) whose email and phone are
 * synthetic and encrypted with this process's key (the development key unless CI_ENCRYPTION_KEYS
 * is set), so decrypting contact data is part of the cost whatever key seeded the database.
 * Results: bench/results/exports.json.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { EXPORT_FIELD_KEYS } from '../plugins/client-insights/shared/export-fields';
import { migrate } from '../plugins/client-insights/server/src/core/db/migrate';
import { HOST_TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { BENCH_EXPORT_FIELDS as FIELDS, connect, databaseOf, ms, writeBenchExport } from './kit';
import type { Knex } from 'knex';
import { encryptRow } from '../plugins/client-insights/server/src/core/security/field-crypto';

const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 100_000);
const JOB_ID = 1_900_000_001;
const SCRATCH = 'ci_bench_export_customers';

/** One format, in this process: answers time, rows, bytes and peak RSS. */
const runOne = async (format: 'csv' | 'xlsx') => {
  const knex = connect('bench:exports', 4);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await migrate(knex);
    const baseline = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const file = await writeBenchExport(knex, SCRATCH, knex(SCRATCH).select('id as customer_id'), format, JOB_ID);
    const elapsed = ms(started);
    clearInterval(sampler);
    return {
      format,
      rows: file.rows,
      bytes: file.bytes,
      ms: Math.round(elapsed),
      rowsPerSecond: Math.round(file.rows / (elapsed / 1000)),
      baselineRssMb: mb(baseline),
      peakRssMb: mb(peak),
    };
  } finally {
    clearInterval(sampler);
    await knex.destroy();
  }
};

/** The first ROWS customers, copied, with synthetic contact data encrypted by this process's key. */
const prepareScratch = async (knex: Knex) => {
  await knex.schema.dropTableIfExists(SCRATCH);
  await knex.raw(`create table ?? as select * from ?? order by id limit ?`, [SCRATCH, HOST_TABLES.customers, ROWS]);
  await knex.raw('alter table ?? add primary key (id)', [SCRATCH]);
  const ids: number[] = (await knex(SCRATCH).orderBy('id').pluck('id')).map(Number);
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = ids.slice(i, i + 1000).map((id) => encryptRow({ email: `given.surname${id}@example.com`, phone: `+86 1${String(id).padStart(10, '0')}` }));
    const values = rows.map(() => '(?::int, ?, ?)').join(', ');
    await knex.raw(`update ?? as c set email = v.email, phone = v.phone from (values ${values}) as v(id, email, phone) where c.id = v.id`, [
      SCRATCH,
      ...rows.flatMap((r, j) => [ids[i + j], r.email, r.phone]),
    ]);
  }
  await knex.raw('analyze ??', [SCRATCH]);
};

const mb = (bytes: number) => Math.round(bytes / 1048576);

const main = async () => {
  const child = process.env.BENCH_EXPORT_CHILD as 'csv' | 'xlsx' | undefined;
  if (child) {
    process.stdout.write(`${JSON.stringify(await runOne(child))}\n`);
    return;
  }
  if (FIELDS.length !== 20 || FIELDS.some((f) => !EXPORT_FIELD_KEYS.includes(f))) throw new Error('the benchmark exports 20 known fields');
  const knex = connect('bench:exports', 1);
  const database = databaseOf(knex);
  const customers = Number((await knex(HOST_TABLES.customers).count({ n: '*' }).first())?.n ?? 0);
  if (customers < ROWS) throw new Error(`${database} has ${customers} customers, fewer than BENCH_EXPORT_ROWS=${ROWS}`);
  await prepareScratch(knex);
  await knex.destroy();
  const results = (['csv', 'xlsx'] as const).map((format) => {
    const run = spawnSync(process.execPath, [path.resolve(__dirname, '..', 'scripts', 'run-ts.js'), __filename], {
      env: { ...process.env, BENCH_EXPORT_CHILD: format },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`${format} run failed: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split('\n').pop()!);
  });
  const cleanup = connect('bench:exports', 1);
  await cleanup.schema.dropTableIfExists(SCRATCH);
  await cleanup.destroy();
  const load = os.loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`bench:exports on ${database}: ${ROWS} rows × ${FIELDS.length} fields (load ${load.join(' / ')})`);
  for (const r of results)
    console.log(
      `  ${r.format.padEnd(5)} ${String(r.ms).padStart(7)} ms  ${String(r.rowsPerSecond).padStart(7)} rows/s  ${(r.bytes / 1048576).toFixed(1).padStart(6)} MB  peak RSS ${r.peakRssMb} MB (before writing ${r.baselineRssMb} MB)`
    );
  const out = path.join(__dirname, 'results', 'exports.json');
  fs.writeFileSync(
    out,
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, load, database, rows: ROWS, fields: FIELDS, results },
      null,
      2
    ) + '\n'
  );
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
