/**
 * `npm run bench:many-segments`: does a run's time grow with the other segments? On PostgreSQL
 * (DATABASE_* as for the other benchmarks), a small segment (about 1,000 members, alternating
 * between two overlapping bands so every run adds and removes members) is run RUNS times (default
 * 5) with 1, 20 and 100 other materialised segments (each a quarter of the buyers, different
 * priorities, so primary segments are really contested), through the executor the API uses (diff,
 * statistics, swap, primary segments, retention). Target: the run with 100 others within 20% of
 * the run with 1. The bench segments are real rows of `segments` (ids ≥ 1 950 000 000) so the
 * primary-segment step sees them; they and all their rows are removed at the end and the primary
 * segments recomputed. Results: bench/results/many-segments.json, keyed by database (and
 * BENCH_LABEL when set, e.g. to keep an A/B pair).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { migrate } from '../plugins/client-insights/server/src/core/db/migrate';
import { HOST_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { DEFAULTS } from '../plugins/client-insights/server/src/modules/segments/config';
import { createExecutor } from '../plugins/client-insights/server/src/modules/segments/executor';
import { recomputePrimary } from '../plugins/client-insights/server/src/modules/segments/priority';
import { ruleEngine } from '../plugins/client-insights/server/src/modules/segments/rule-engine';
import { benchSegment, connect, databaseOf, fmt, median, ms } from './kit';

const ROOT = path.resolve(__dirname, '..');
const BASE_ID = 1_950_000_000;
const OTHERS = 100;
const STEPS = [1, 20, 100];
const RUNS = Number(process.env.RUNS ?? 5);
const spent = { var: 'metrics.total_spent' };
const band = (lo: number, hi: number) => ({ and: [{ '>=': [spent, lo] }, { '<': [spent, hi] }] });

/** Total-spent values at the given quantiles of the buyers. */
const quantiles = async (knex: Knex, qs: number[]) => {
  const { rows } = await knex.raw(`select percentile_disc(?::float8[]) within group (order by total_spent) as q from ${TABLES.metrics} where total_spent > 0`, [
    qs,
  ]);
  return (rows[0].q as (string | number)[]).map(Number);
};

const main = async () => {
  const knex = connect('bench:many-segments');
  const database = databaseOf(knex);
  const ids = Array.from({ length: OTHERS + 1 }, (_, i) => BASE_ID + i);
  const cleanup = async () => {
    await knex(TABLES.segmentChanges).whereIn('run_id', knex(TABLES.segmentRuns).select('id').whereIn('segment_id', ids)).delete();
    for (const table of [TABLES.segmentMembers, TABLES.segmentCurrent, TABLES.segmentEvents, TABLES.primarySegment, TABLES.segmentRuns])
      await knex(table).whereIn('segment_id', ids).delete();
    await knex(HOST_TABLES.segments).whereIn('id', ids).delete();
  };
  // PROFILE=1: time of each statement of the measured runs, summed by its text, printed per case.
  const profile = new Map<string, { n: number; ms: number }>();
  const started = new Map<string, bigint>();
  let profiling = false;
  if (process.env.PROFILE === '1') {
    knex.on('query', (q) => profiling && started.set(q.__knexQueryUid, process.hrtime.bigint()));
    knex.on('query-response', (_r, q) => {
      const t = started.get(q.__knexQueryUid);
      if (t === undefined) return;
      started.delete(q.__knexQueryUid);
      const key = String(q.sql).replace(/\s+/g, ' ').slice(0, 140);
      const entry = profile.get(key) ?? { n: 0, ms: 0 };
      profile.set(key, { n: entry.n + 1, ms: entry.ms + ms(t) });
    });
  }
  // Every case starts from vacuumed tables, as autovacuum leaves them between runs, with the
  // setup's writes on disk: the dead rows of the previous bench or case, and the checkpoint owed for
  // millions of members just written, would otherwise weigh on whichever case comes first.
  const settle = async () => {
    await knex.raw(`vacuum analyze ${TABLES.segmentMembers}, ${TABLES.segmentChanges}, ${TABLES.segmentEvents}, ${TABLES.primarySegment}`);
    await knex.raw('checkpoint');
  };
  try {
    await migrate(knex);
    await cleanup();
    await settle();
    const total = Number((await knex('customers').count({ n: '*' }).first())!.n);
    const buyers = Number((await knex(TABLES.metrics).where('total_spent', '>', 0).count({ n: '*' }).first())!.n);
    console.log(
      `${database}: ${total} customers, ${buyers} buyers; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    );

    // The small segment: a band of ~1,000 buyers; its twin band is shifted by half its width.
    const width = Math.min(0.2, 1000 / buyers);
    const [a0, a1, b0, b1] = await quantiles(knex, [0.5, 0.5 + width, 0.5 + width / 2, 0.5 + width * 1.5]);
    const smallRules = [band(a0, a1), band(b0, b1)];
    const small = benchSegment(ids[0], smallRules[0], 5);
    // The others: each a quarter of the buyers, at offsets spread over the distribution.
    const offsets = Array.from({ length: OTHERS }, (_, i) => ((i * 37) % 75) / 100);
    const edges = await quantiles(
      knex,
      offsets.flatMap((o) => [o, o + 0.25])
    );
    const others = offsets.map((_, i) => benchSegment(ids[i + 1], band(edges[2 * i], edges[2 * i + 1]), 10 + (i % 50)));
    const all = [small, ...others];
    const now = new Date();
    await knex(HOST_TABLES.segments).insert(
      all.map((s) => ({
        id: s.id,
        document_id: s.documentId,
        key: s.key,
        name: s.name,
        type: 'dynamic',
        rule: JSON.stringify(s.rule),
        segment_status: 'active',
        priority: s.priority,
        visibility: 'team',
        member_count: 0,
        created_at: now,
        updated_at: now,
        published_at: now,
      }))
    );
    const executor = createExecutor({
      knex,
      tables: HOST_TABLES,
      engine: ruleEngine,
      config: () => ({ ...DEFAULTS, timeoutMs: 30 * 60_000, retainRuns: 2, maxConcurrent: 2 }),
      loadSegments: async () => all,
      log: { info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) },
    });
    const run = async (id: number) => {
      const t = process.hrtime.bigint();
      const result = await executor.execute(id, { trigger: 'manual' });
      if (!result || result.status === 'failed') throw new Error(`run of ${id} failed: ${result?.error}`);
      return { ms: ms(t), result };
    };

    await run(small.id);
    let flips = 0;
    const cases: { others: number; otherMembers: number; runsMs: number[]; medianMs: number; members: number[]; changed: number[] }[] = [];
    let materialised = 0;
    for (const step of STEPS) {
      const t = process.hrtime.bigint();
      for (; materialised < step; materialised += 1) await run(others[materialised].id);
      const otherMembers = Number(
        (await knex(TABLES.segmentCurrent)
          .join(TABLES.segmentMembers, (j) =>
            j
              .on(`${TABLES.segmentMembers}.segment_id`, `${TABLES.segmentCurrent}.segment_id`)
              .andOn(`${TABLES.segmentMembers}.run_id`, `${TABLES.segmentCurrent}.run_id`)
          )
          .whereIn(`${TABLES.segmentCurrent}.segment_id`, ids.slice(1))
          .count({ n: '*' })
          .first())!.n
      );
      console.log(`${step} other segments materialised (${otherMembers} members) in ${fmt(ms(t))}`);
      await settle();
      const runsMs: number[] = [];
      const members: number[] = [];
      const changed: number[] = [];
      profiling = true;
      for (let i = 0; i < RUNS; i += 1) {
        // Alternating across cases too: every measured run adds and removes members.
        flips += 1;
        small.rule = smallRules[flips % 2];
        const { ms: took, result } = await run(small.id);
        runsMs.push(took);
        members.push(result.customerCount ?? 0);
        changed.push((result.changes?.added ?? 0) + (result.changes?.removed ?? 0));
      }
      profiling = false;
      if (profile.size) {
        console.log(`statements of the ${RUNS} runs beside ${step} others, by total time:`);
        for (const [sql, p] of [...profile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${fmt(p.ms)} (${p.n}×) ${sql}`);
        profile.clear();
      }
      cases.push({ others: step, otherMembers, runsMs, medianMs: median(runsMs), members, changed });
    }

    console.log('\n| other segments | their members | small run (median) | runs | members | changed per run |\n|---|---|---|---|---|---|');
    for (const c of cases)
      console.log(
        `| ${c.others} | ${c.otherMembers} | ${fmt(c.medianMs)} | ${c.runsMs.map((x) => fmt(x)).join(', ')} | ${median(c.members)} | ${median(c.changed)} |`
      );
    const ratio = cases[cases.length - 1].medianMs / cases[0].medianMs;
    console.log(
      `\nrun with ${STEPS[STEPS.length - 1]} others / with ${STEPS[0]}: ${ratio.toFixed(2)}× (target ≤ 1.2×); load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`
    );

    const file = path.join(ROOT, 'bench', 'results', 'many-segments.json');
    const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    const key = process.env.BENCH_LABEL ? `${database} (${process.env.BENCH_LABEL})` : database;
    existing[key] = { measuredAt: new Date().toISOString(), customers: total, buyers, load: os.loadavg(), runsPerCase: RUNS, cases, ratio, target: 1.2 };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
    console.log(`written to ${path.relative(ROOT, file)} under "${key}"`);
  } finally {
    // KEEP=1 leaves the bench segments in place (to EXPLAIN their statements); the next run removes them.
    if (process.env.KEEP !== '1') {
      await cleanup().catch((e) => console.error(`cleanup failed: ${e.message}`));
      // Customers whose primary segment was a bench segment get theirs back.
      await recomputePrimary(knex, HOST_TABLES, 'all').catch((e) => console.error(`primary segments: ${e.message}`));
    }
    await knex.destroy();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
