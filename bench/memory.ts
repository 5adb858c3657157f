/**
 * `npm run bench:memory`: the app's heaviest jobs at the database's size, in the booted app (the
 * compiled dist, as `npm start` runs it), under each V8 heap limit of BENCH_HEAP (default
 * `none,512`: Node's default, then `--max-old-space-size=512` as `npm start` sets it). Each job runs
 * under each limit in a child process of its own, which boots the app and runs it:
 * - `values`: the full value-model refresh (the job the admin's "recalculate" starts);
 * - `csv` and `xlsx`: an export of every customer × 20 fields (bench:exports' fields), through the
 *   code the export job runs, into ci_export_chunks under a synthetic job id (deleted afterwards).
 * Per phase: time, peak RSS, peak V8 heap in use and peak external memory (Buffers), sampled every
 * 20 ms. BENCH_PHASES chooses the jobs (default `values,csv,xlsx`). A child that runs out of
 * heap stops the benchmark, saying so. Why: RSS under Node's default limit (about 4 GB here) says how lazily
 * V8 collects, not what the job needs; the question is whether a limit that keeps RSS under
 * 500 MB holds these jobs, and at what cost in time. Results: bench/results/memory.json.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { bootStrapi, ROOT } from '../scripts/lib/boot';
import { HOST_TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { writeBenchExport } from './kit';

const JOB_ID = 1_900_000_002;
const HEAPS = (process.env.BENCH_HEAP ?? 'none,512').split(',').map((x) => x.trim());
/** The jobs to run, in order (BENCH_PHASES, default all three). */
const PHASES = (process.env.BENCH_PHASES ?? 'values,csv,xlsx').split(',').map((x) => x.trim());
const mb = (bytes: number) => Math.round(bytes / 1048576);
const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));

type Phase = { phase: string; ms: number; peakRssMb: number; peakHeapUsedMb: number; peakExternalMb: number };

/** Peak RSS and heap in use of the current phase, sampled every 20 ms. */
const meter = () => {
  let rss = 0;
  let heap = 0;
  let external = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external);
  };
  const timer = setInterval(sample, 20);
  return {
    async phase(name: string, work: () => Promise<unknown>): Promise<Phase> {
      rss = 0;
      heap = 0;
      external = 0;
      sample();
      const started = Date.now();
      await work();
      sample();
      return { phase: name, ms: Date.now() - started, peakRssMb: mb(rss), peakHeapUsedMb: mb(heap), peakExternalMb: mb(external) };
    },
    stop: () => clearInterval(timer),
  };
};

/** Every customer × 20 fields as the export job writes them; answers the rows written. */
const exportAll = async (strapi: Core.Strapi, format: 'csv' | 'xlsx') => {
  const knex = strapi.db.connection;
  return (await writeBenchExport(knex, HOST_TABLES.customers, knex(HOST_TABLES.customers).select('id as customer_id'), format, JOB_ID)).rows;
};

/** In the child: boot, then each job in turn; prints one JSON line. */
const child = async () => {
  const m = meter();
  const phases: Phase[] = [];
  let strapi: Core.Strapi | null = null;
  phases.push(await m.phase('boot', async () => (strapi = await bootStrapi())));
  const app = strapi as unknown as Core.Strapi;
  const customers = Number((await app.db.connection(HOST_TABLES.customers).count({ n: '*' }).first())?.n ?? 0);
  const jobs: Record<string, () => Promise<unknown>> = {
    values: () => app.plugin('client-insights').service('values').runNow('script'),
    csv: () => exportAll(app, 'csv'),
    xlsx: () => exportAll(app, 'xlsx'),
  };
  for (const name of PHASES) phases.push(await m.phase(name, jobs[name]));
  m.stop();
  process.stdout.write(`${JSON.stringify({ customers, phases })}\n`);
  await app.destroy();
};

const main = async () => {
  if (process.env.BENCH_MEMORY_CHILD) return child();
  const database = process.env.DATABASE_NAME ?? '(from .env)';
  // One child per limit and job, so that a job's peak RSS is its own (memory a process has used
  // stays counted in its RSS after it is freed).
  const results = HEAPS.map((heap) => {
    const loadBefore = load();
    const flags = heap === 'none' ? [] : [`--max-old-space-size=${heap}`];
    const runs = PHASES.map((phase) => {
      const run = spawnSync(process.execPath, [...flags, path.join(ROOT, 'scripts', 'run-ts.js'), __filename], {
        env: { ...process.env, BENCH_MEMORY_CHILD: '1', BENCH_PHASES: phase },
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status === 0 && line.startsWith('{')) return JSON.parse(line) as { customers: number; phases: Phase[] };
      const outOfHeap = /heap out of memory|Allocation failed/i.test(run.stderr);
      throw new Error(`heap limit ${heap}, ${phase}: ${outOfHeap ? 'out of heap' : `exit ${run.status}: ${run.stderr.slice(-400)}`}`);
    });
    // Each child's boot, then its job: the boots are alike, the first one is kept.
    const phases = [runs[0].phases[0], ...runs.map((r) => r.phases[1])];
    return { heapLimitMb: heap, loadBefore, loadAfter: load(), customers: runs[0].customers, phases };
  });
  console.log(`bench:memory on ${database} (${os.cpus().length} CPUs)`);
  for (const r of results) {
    console.log(`  heap limit ${r.heapLimitMb} MB, ${r.customers} customers, load ${r.loadBefore.join(' / ')} → ${r.loadAfter.join(' / ')}`);
    for (const p of r.phases)
      console.log(
        `    ${p.phase.padEnd(7)} ${String(p.ms).padStart(8)} ms  peak RSS ${String(p.peakRssMb).padStart(5)} MB  heap in use ${String(p.peakHeapUsedMb).padStart(5)} MB  external ${String(p.peakExternalMb).padStart(5)} MB`
      );
  }
  const out = path.join(__dirname, 'results', 'memory.json');
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, database, results }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
