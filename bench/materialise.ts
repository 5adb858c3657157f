/**
 * `npm run bench:materialise`: segment materialisation on PostgreSQL (`ci_bench_100k`, `ci_bench_1m`,
 * or any database from DATABASE_* / .env), through the same executor the API uses (run record,
 * lock, INSERT … SELECT, SQL diff, statistics, swap, primary segments, retention):
 *   1. a full run + diff of a 10-condition segment matching ~30% (first run, then a steady-state run);
 *   2. a second run after 1% of the customers changed (their metrics rows, saved and restored);
 *   3. 10 segments executed at once;
 *   4. single-customer re-evaluation after a change (the data-change trigger path), over 11 segments;
 *   5. peak Node RSS, sampled every 20 ms;
 *   6. the naive way in the same run: page through every customer, load its facts into Node,
 *      evaluate with json-logic-js, insert the matches (NAIVE_BUDGET_S, default 120: past it the
 *      time is extrapolated linearly from the customers done, and marked so).
 * Writes only plugin tables, under synthetic segment ids (≥ 1 900 000 000) removed at the end:
 * the Strapi `segments` table is never touched. Tables never analysed are ANALYZEd first (ANALYZE=0
 * skips it). Results: bench/results/materialise.json.
 */
import fs from 'fs';
import path from 'path';
import type { Knex } from 'knex';
import { migrate } from '../plugins/client-insights/server/src/core/db/migrate';
import { compileEvaluator } from '../plugins/client-insights/server/src/modules/rules/evaluate';
import { loadFactsMany } from '../plugins/client-insights/server/src/modules/rules/facts';
import { reevaluateCustomers } from '../plugins/client-insights/server/src/modules/segments/change-trigger';
import { DEFAULTS } from '../plugins/client-insights/server/src/modules/segments/config';
import { createExecutor } from '../plugins/client-insights/server/src/modules/segments/executor';
import { ruleEngine } from '../plugins/client-insights/server/src/modules/segments/rule-engine';
import { HOST_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { benchSegment as segment, connect, databaseOf, fmt, median, ms, p95 } from './kit';

const ROOT = path.resolve(__dirname, '..');
const BASE_ID = 1_900_000_000;
const v = (p: string) => ({ var: p });

/** 10 conditions: customer fields, metrics, an event window, days_since; ~30% of the seeded data. */
const RULE_10 = {
  and: [
    { '!=': [v('customer.stage'), 'churned'] },
    { in: [v('customer.region'), ['上海', '北京', '深圳', '广州', '杭州', '成都']] },
    { '!': [{ in: [v('customer.lead_source'), ['other']] }] },
    {
      or: [
        { '>=': [v('metrics.total_spent'), 10000] },
        { '>=': [{ event_count: ['email_open', 180] }, 1] },
        { in: [v('customer.stage'), ['signed', 'in_service']] },
      ],
    },
    { '<': [v('metrics.overdue_amount'), 100000] },
    { '!=': [v('customer.education'), 'other'] },
    { '<=': [{ days_since: [v('customer.created_at')] }, 3650] },
    { '==': [{ event_count: ['complaint', 90] }, 0] },
  ],
};

/** Ten other segments for the "at once" case: different shapes and sizes. */
const OTHER_RULES = [
  { '==': [v('customer.stage'), 'signed'] },
  { in: [v('customer.region'), ['上海', '北京']] },
  { '>': [v('metrics.total_spent'), 20000] },
  { and: [{ '==': [v('customer.stage'), 'in_service'] }, { '>=': [{ order_count: [365] }, 1] }] },
  { '>=': [{ event_count: ['website_visit', 90] }, 1] },
  { or: [{ '==': [v('customer.lead_source'), 'referral'] }, { '>': [v('metrics.referral_count'), 0] }] },
  { '==': [{ event_count: ['complaint', null] }, 0] },
  { and: [{ '!=': [v('customer.stage'), 'churned'] }, { '<': [{ days_since: [v('metrics.last_interaction_at')] }, 60] }] },
  { in: [v('customer.education'), ['master', 'doctorate']] },
  RULE_10,
];

const naive = async (knex: Knex, rule: unknown, segmentId: number, total: number, budgetMs: number, now: Date) => {
  const evaluate = compileEvaluator(rule);
  const started = process.hrtime.bigint();
  let lastId = 0;
  let evaluated = 0;
  let matched = 0;
  let partial = false;
  for (;;) {
    const ids = (await knex('customers').where('id', '>', lastId).orderBy('id').limit(5000).pluck('id')).map(Number);
    if (ids.length === 0) break;
    const facts = await loadFactsMany(knex, ids, { now });
    const hits = [...facts.entries()].filter(([, f]) => evaluate(f, { now })).map(([id]) => id);
    for (let i = 0; i < hits.length; i += 1000) {
      await knex(TABLES.segmentMembers).insert(hits.slice(i, i + 1000).map((customer_id) => ({ segment_id: segmentId, run_id: 1, customer_id })));
    }
    matched += hits.length;
    evaluated += ids.length;
    lastId = ids[ids.length - 1];
    if (ms(started) > budgetMs && evaluated < total) {
      partial = true;
      break;
    }
  }
  const elapsed = ms(started);
  return { ms: partial ? (elapsed * total) / evaluated : elapsed, measuredMs: elapsed, evaluated, partial, matched: partial ? null : matched };
};

const main = async () => {
  const knex = connect('bench:materialise');
  const database = databaseOf(knex);
  const budgetMs = Number(process.env.NAIVE_BUDGET_S ?? 120) * 1000;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const ids = Array.from({ length: OTHER_RULES.length + 2 }, (_, i) => BASE_ID + i);
  const cleanup = async () => {
    await knex(TABLES.segmentChanges).whereIn('run_id', knex(TABLES.segmentRuns).select('id').whereIn('segment_id', ids)).delete();
    for (const table of [TABLES.segmentMembers, TABLES.segmentCurrent, TABLES.segmentEvents, TABLES.segmentRuns])
      await knex(table).whereIn('segment_id', ids).delete();
  };
  try {
    await migrate(knex); // the plugin's own tables only
    if (process.env.ANALYZE !== '0') {
      // Bulk-loaded tables without statistics get poor plans (seconds instead of ms); production has autovacuum's.
      const { rows } = await knex.raw(
        `select relname from pg_stat_user_tables where relname in ('customers','orders','interactions','orders_customer_lnk','interactions_customer_lnk','ci_customer_tags','ci_customer_metrics','ci_customer_scores','tags')
         and last_analyze is null and last_autoanalyze is null`
      );
      for (const { relname } of rows) {
        console.log(`analyze ${relname} (no statistics yet)`);
        await knex.raw('analyze ??', [relname]);
      }
    }
    await cleanup();
    const total = Number((await knex('customers').count({ n: '*' }).first())!.n);
    console.log(`${database}: ${total} customers`);
    const main10 = segment(ids[0], RULE_10);
    const others = OTHER_RULES.map((rule, i) => segment(ids[i + 1], rule));
    const naiveId = ids[ids.length - 1];
    let segments = [main10, ...others];
    const executor = createExecutor({
      knex,
      tables: HOST_TABLES,
      engine: ruleEngine,
      config: () => ({ ...DEFAULTS, timeoutMs: 30 * 60_000, retainRuns: 2, maxConcurrent: Number(process.env.MAX_CONCURRENT ?? 4) }),
      loadSegments: async () => segments,
      log: { info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) },
    });
    const run = async (id: number) => {
      const t = process.hrtime.bigint();
      const result = await executor.execute(id, { trigger: 'manual' });
      if (!result || result.status === 'failed') throw new Error(`run of ${id} failed: ${result?.error}`);
      return { ms: ms(t), result };
    };

    // 1. Full run + diff (first materialisation, then a steady-state run diffing against it).
    const first = await run(main10.id);
    const steady = await run(main10.id);
    const share = (steady.result.customerCount ?? 0) / total;
    console.log(`10-condition segment: ${steady.result.customerCount} members (${(share * 100).toFixed(1)}%)`);

    // 2. 1% of customers change (their rollup rows; restored afterwards), then a run.
    await knex.raw('drop table if exists ci_bench_saved_metrics');
    await knex.raw(
      'create table ci_bench_saved_metrics as select customer_id, total_spent, overdue_amount from ci_customer_metrics where customer_id % 100 = 7'
    );
    let afterChange;
    try {
      await knex.raw(`update ci_customer_metrics set total_spent = case when total_spent >= 10000 then 0 else 50000 end,
                      overdue_amount = case when customer_id % 200 = 7 then 200000 else overdue_amount end where customer_id % 100 = 7`);
      afterChange = await run(main10.id);
    } finally {
      await knex.raw(
        'update ci_customer_metrics m set total_spent = s.total_spent, overdue_amount = s.overdue_amount from ci_bench_saved_metrics s where s.customer_id = m.customer_id'
      );
      await knex.raw('drop table ci_bench_saved_metrics');
    }
    console.log(`after 1% changed: +${afterChange.result.changes?.added} −${afterChange.result.changes?.removed}`);

    // 3. Ten segments at once.
    const t10 = process.hrtime.bigint();
    const ten = await Promise.all(others.map((s) => run(s.id)));
    const tenMs = ms(t10);

    // 4. Single-customer re-evaluation (the data-change trigger), over all 11 segments and over one.
    const sample = (await knex('customers').orderByRaw('md5(id::text)').limit(31).pluck('id')).map(Number);
    const engine = ruleEngine();
    const allSegs: number[] = [];
    const oneSeg: number[] = [];
    // Each customer really changes (total_spent flipped across the rule's threshold), is
    // re-evaluated, then changes back and is re-evaluated again.
    const flip = (id: number) =>
      knex.raw(
        'update ci_customer_metrics set total_spent = case when total_spent >= 10000 then total_spent - 1000000 else total_spent + 1000000 end where customer_id = ?',
        [id]
      );
    let moved = 0;
    for (const id of sample) {
      await flip(id);
      let t = process.hrtime.bigint();
      moved += (await reevaluateCustomers(knex, HOST_TABLES, engine, segments, [id])).segments;
      allSegs.push(ms(t));
      await flip(id);
      t = process.hrtime.bigint();
      moved += (await reevaluateCustomers(knex, HOST_TABLES, engine, [main10], [id])).segments;
      oneSeg.push(ms(t));
    }
    console.log(`single-customer re-evaluation: ${moved} membership changes applied over ${sample.length * 2} changes`);
    allSegs.shift();
    oneSeg.shift(); // warm-up

    // 5./6. The naive way for the 10-condition segment.
    segments = [...segments];
    const nv = await naive(knex, RULE_10, naiveId, total, budgetMs, new Date());
    clearInterval(sampler);

    const rows = [
      ['full run + diff, 10 conditions (first run)', first.ms, first.result.customerCount],
      ['full run + diff, 10 conditions (steady state)', steady.ms, steady.result.customerCount],
      ['second run after 1% changed', afterChange.ms, afterChange.result.customerCount],
      ['10 segments at once (wall)', tenMs, ten.reduce((a, r) => a + (r.result.customerCount ?? 0), 0)],
      ['single-customer re-evaluation, 11 segments (median)', median(allSegs), null],
      ['single-customer re-evaluation, 1 segment (median)', median(oneSeg), null],
      [`naive: load facts + json-logic + insert${nv.partial ? ' (extrapolated)' : ''}`, nv.ms, nv.matched],
    ] as const;
    console.log('\n| case | time | members |\n|---|---|---|');
    for (const [name, t, n] of rows) console.log(`| ${name} | ${fmt(t)} | ${n ?? ''} |`);
    console.log(`\nnaive / SQL (steady-state full run): ${(nv.ms / steady.ms).toFixed(1)}×`);
    console.log(`single-customer p95: ${fmt(p95(allSegs))} (11 segments), ${fmt(p95(oneSeg))} (1 segment)`);
    console.log(`peak RSS: ${(peakRss / 1048576).toFixed(0)} MB`);

    const file = path.join(ROOT, 'bench', 'results', 'materialise.json');
    const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    existing[database] = {
      measuredAt: new Date().toISOString(),
      customers: total,
      segment: { rule: RULE_10, conditions: 10, members: steady.result.customerCount, share },
      fullRunFirstMs: first.ms,
      fullRunMs: steady.ms,
      fullRunPhases: { executionTimeMs: steady.result.executionTime, statistics: steady.result.statistics },
      afterOnePercentChangedMs: afterChange.ms,
      afterOnePercentChanges: afterChange.result.changes,
      tenAtOnceMs: tenMs,
      tenAtOnceMembers: ten.map((r) => r.result.customerCount),
      maxConcurrent: Number(process.env.MAX_CONCURRENT ?? 4),
      singleCustomer: { elevenSegments: { medianMs: median(allSegs), p95Ms: p95(allSegs) }, oneSegment: { medianMs: median(oneSeg), p95Ms: p95(oneSeg) } },
      naive: nv,
      ratioNaiveVsSql: nv.ms / steady.ms,
      peakRssMb: peakRss / 1048576,
      targets: { fullRunAt1mMs: 30_000, singleCustomerMs: 50, rssMb: 500 },
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
    console.log(`written to ${path.relative(ROOT, file)} under "${database}"`);
  } finally {
    clearInterval(sampler);
    await cleanup().catch((e) => console.error(`cleanup failed: ${e.message}`));
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
