/**
 * `npm run bench:preview`: latency of a rule preview (count + risk split + sample + total, what
 * POST /rules/preview runs) for rules of 3, 10 and 20 conditions mixing customer fields, tags,
 * event windows and order windows, against, in the same run:
 *   (a) the naive way: page through every customer, load its facts into Node, evaluate the rule
 *       with json-logic-js (rules/evaluate.ts);
 *   (b) Strapi's Query Engine: `strapi.db.query(customer).count({ where })` with relational
 *       filters, for the rules it can express (no metrics rollup, no tags, only "at least one").
 *
 * It boots Strapi from the compiled app (scripts/lib/boot.ts) on the database of DATABASE_* / .env
 * (PostgreSQL `ci_bench_100k` / `ci_bench_1m`), so (b) uses the real Query Engine, and times the
 * plugin's own previewRule() on Strapi's knex pool (no HTTP). Counts of the three ways are
 * compared; a mismatch is printed. Results go to bench/results/preview.json under the database name.
 *
 * The preview picks its compile strategy per rule (rules/strategy.ts); each strategy is also timed
 * forced (STRATEGY_RUNS, default 3) so the table shows what the choice won or lost.
 *
 * Then the cost of encryption at rest and masking (bench/preview-encryption.ts), and rules of each
 * kind of issue 16 against hand-written SQL, interleaved (bench/preview-hand.ts), written to
 * bench/results/preview-rules.json.
 *
 * Env: PREVIEW_RUNS (default 9, after 1 warm-up), QE_RUNS (5), NAIVE_RUNS (1),
 * NAIVE_BUDGET_S (default 120 per rule: past it the naive time is extrapolated from the customers
 * evaluated so far, and marked so), ANALYZE=0 to skip ANALYZE of never-analysed tables,
 * HAND_RUNS (default 7) and HAND_ONLY=1 (only the hand-SQL comparison).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { bootStrapi, ROOT } from '../scripts/lib/boot';
import { analyzeTables, dialectOf } from '../plugins/client-insights/server/src/core/db/dialect';
import type { Operand, RuleNode } from '../plugins/client-insights/server/src/modules/rules/ast';
import { compileEvaluator } from '../plugins/client-insights/server/src/modules/rules/evaluate';
import { loadFactsMany } from '../plugins/client-insights/server/src/modules/rules/facts';
import { parseRuleOrThrow } from '../plugins/client-insights/server/src/modules/rules/validate';
import { previewRule } from '../plugins/client-insights/server/src/modules/rules/preview';

import { measureEncryption, printEncryption } from './preview-encryption';
import { measureHand, printHand } from './preview-hand';
import { RULES, now } from './preview-rules';

const DAY = 86_400_000;

/** Number of leaf conditions of a rule. */
const conditions = (node: RuleNode): number =>
  node.kind === 'and' || node.kind === 'or' ? node.args.reduce((n, a) => n + conditions(a), 0) : node.kind === 'not' ? conditions(node.arg) : 1;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
};

// ---- (b) Strapi Query Engine filters -------------------------------------------------------------

const CUSTOMER_COLUMNS = new Set([
  'name',
  'email',
  'phone',
  'region',
  'language',
  'education',
  'target_major',
  'program',
  'stage',
  'lead_source',
  'created_at',
]);
const attributeOf = (column: string) => (column === 'created_at' ? 'createdAt' : column);

/** The rule as a Query Engine `where`, or null when the Query Engine cannot say the same thing. */
export const toQueryEngine = (node: RuleNode): Record<string, unknown> | null => {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.args.map(toQueryEngine);
      return parts.every(Boolean) ? { [`$${node.kind}`]: parts } : null;
    }
    case 'not': {
      // $not over a join negates per joined row, not "has none": only plain columns are safe.
      const inner = node.arg.kind === 'compare' && node.arg.operand.kind === 'field' ? toQueryEngine(node.arg) : null;
      return inner ? { $not: inner } : null;
    }
    case 'compare':
      return compareToQueryEngine(node.operand, node.op, node.literals);
    default:
      return null;
  }
};

const compareToQueryEngine = (operand: Operand, op: string, literals: Array<string | number | null>): Record<string, unknown> | null => {
  const since = (days: number | null) => (days === null ? {} : { $gt: new Date(now.getTime() - days * DAY) });
  // "at least one" is what a relational filter expresses: >= 1 or > 0.
  const atLeastOne = (op === '>=' && literals[0] === 1) || (op === '>' && literals[0] === 0);
  if (operand.kind === 'event_count' && atLeastOne) {
    return { interactions: { type: operand.eventType, ...(operand.days === null ? {} : { occurred_at: since(operand.days) }) } };
  }
  if (operand.kind === 'order_count' && atLeastOne) {
    return { orders: { payment_status: 'paid', ...(operand.days === null ? {} : { ordered_at: since(operand.days) }) } };
  }
  if (operand.kind !== 'field' || operand.field.group !== 'customer') return null;
  const column = operand.field.path.slice('customer.'.length);
  if (!CUSTOMER_COLUMNS.has(column)) return null;
  const value = (l: string | number | null) => (operand.field.type === 'datetime' && typeof l === 'number' ? new Date(l) : l);
  const attr = attributeOf(column);
  const [a] = literals;
  switch (op) {
    case '==':
      return a === null ? { [attr]: { $null: true } } : { [attr]: { $eq: value(a) } };
    case '!=':
      // SQL's `<>` drops nulls; the rule language keeps them (null != "x" is true).
      return a === null ? { [attr]: { $notNull: true } } : { $or: [{ [attr]: { $ne: value(a) } }, { [attr]: { $null: true } }] };
    case '>':
      return { [attr]: { $gt: value(a) } };
    case '>=':
      return { [attr]: { $gte: value(a) } };
    case '<':
      return { [attr]: { $lt: value(a) } };
    case '<=':
      return { [attr]: { $lte: value(a) } };
    case 'in':
      return { [attr]: { $in: literals.map(value) } };
    default:
      return null;
  }
};

// ---- (a) naive: every customer's facts into Node ------------------------------------------------

const naive = async (knex: Knex, rule: unknown, total: number, budgetMs: number) => {
  const evaluate = compileEvaluator(rule);
  const started = process.hrtime.bigint();
  let lastId = 0;
  let evaluated = 0;
  let count = 0;
  let partial = false;
  for (;;) {
    const ids = (await knex('customers').where('id', '>', lastId).orderBy('id').limit(5000).pluck('id')).map(Number);
    if (ids.length === 0) break;
    const facts = await loadFactsMany(knex, ids, { now });
    for (const f of facts.values()) if (evaluate(f, { now })) count += 1;
    evaluated += ids.length;
    lastId = ids[ids.length - 1];
    if (Number(process.hrtime.bigint() - started) / 1e6 > budgetMs && evaluated < total) {
      partial = true;
      break;
    }
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms: partial ? (elapsed * total) / evaluated : elapsed, measuredMs: elapsed, evaluated, partial, count: partial ? null : count };
};

// ---- run -------------------------------------------------------------------------------------------

const fmt = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
const ratio = (a: number | null | undefined, b: number) => (a === null || a === undefined ? 'n/a' : `${(a / b).toFixed(1)}×`);

const main = async () => {
  const runs = Number(process.env.PREVIEW_RUNS ?? 9);
  const qeRuns = Number(process.env.QE_RUNS ?? 5);
  const strategyRuns = Number(process.env.STRATEGY_RUNS ?? 3);
  const naiveRuns = Number(process.env.NAIVE_RUNS ?? 1);
  const budgetMs = Number(process.env.NAIVE_BUDGET_S ?? 120) * 1000;
  const strapi = await bootStrapi();
  const knex = strapi.db.connection;
  const database = String((knex.client as any).config.connection?.database ?? process.env.DATABASE_NAME ?? 'sqlite');
  try {
    const dialect = dialectOf(knex);
    if (process.env.ANALYZE !== '0') {
      // Bulk-loaded tables without statistics get poor plans; production has autovacuum's.
      const analysed = await analyzeTables(knex, [
        'customers',
        'orders',
        'interactions',
        'orders_customer_lnk',
        'interactions_customer_lnk',
        'ci_customer_tags',
        'ci_customer_metrics',
        'ci_customer_scores',
        'tags',
      ]);
      if (analysed.length) console.log(`analysed (no statistics yet): ${analysed.join(', ')}`);
    }
    const total = Number((await knex('customers').count({ n: '*' }).first())?.n ?? 0);
    const rollup = Number((await knex('ci_customer_metrics').count({ n: '*' }).first())?.n ?? 0);
    console.log(
      `${database} (${dialect}): ${total} customers, ${rollup} metrics rows; ${runs} preview runs, ${qeRuns} Query Engine runs, ${naiveRuns} naive run(s)`
    );
    if (rollup !== total) console.warn('warning: the metrics rollup is not complete; run npm run metrics:rebuild');

    const results = [];
    // ENCRYPTION_ONLY=1: only the encryption and masking section (bench/preview-encryption.ts).
    if (process.env.HAND_ONLY === '1') {
      const hand = await measureHand(knex, now, Number(process.env.HAND_RUNS ?? 7));
      printHand(hand, database, total);
      return;
    }
    for (const { name, rule } of process.env.ENCRYPTION_ONLY === '1' ? [] : RULES) {
      const ast = parseRuleOrThrow(rule);
      const n = conditions(ast);
      await previewRule(knex, { rule, now }); // warm-up
      const samples: number[] = [];
      let count = 0;
      let chosen = '';
      for (let i = 0; i < runs; i += 1) {
        const { ms, value } = await time(() => previewRule(knex, { rule, now }));
        samples.push(ms);
        count = value.count;
        chosen = value.strategy;
      }
      const sql = { median: median(samples), p95: percentile(samples, 95), runs: samples };
      // Each compile strategy forced, to show what the choice (rules/strategy.ts) won or lost.
      const forced: Record<string, number> = {};
      for (const strategy of ['join', 'probe'] as const) {
        const ms: number[] = [];
        for (let i = 0; i < strategyRuns; i += 1) ms.push((await time(() => previewRule(knex, { rule, now, strategy }))).ms);
        forced[strategy] = median(ms);
      }

      const where = toQueryEngine(ast);
      let queryEngine: { median: number; p95: number; count: number; where: unknown } | null = null;
      if (where) {
        const qe: number[] = [];
        let qeCount = 0;
        await strapi.db.query('api::customer.customer').count({ where });
        for (let i = 0; i < qeRuns; i += 1) {
          const { ms, value } = await time(() => strapi.db.query('api::customer.customer').count({ where }));
          qe.push(ms);
          qeCount = Number(value);
        }
        queryEngine = { median: median(qe), p95: percentile(qe, 95), count: qeCount, where };
      }

      const naiveResults = [];
      for (let i = 0; i < naiveRuns; i += 1) naiveResults.push(await naive(knex, rule, total, budgetMs));
      const naiveMs = median(naiveResults.map((r) => r.ms));
      const naiveSummary = { ms: naiveMs, ...naiveResults[naiveResults.length - 1], ms_runs: naiveResults.map((r) => r.ms) };

      const mismatches = [
        naiveSummary.count !== null && naiveSummary.count !== count ? `naive counted ${naiveSummary.count}` : null,
        queryEngine && queryEngine.count !== count ? `Query Engine counted ${queryEngine.count}` : null,
      ].filter(Boolean);
      if (mismatches.length) console.warn(`COUNT MISMATCH for "${name}": SQL ${count}, ${mismatches.join(', ')}`);
      results.push({
        name,
        conditions: n,
        rule,
        count,
        strategy: { chosen, joinMedian: forced.join, probeMedian: forced.probe },
        sql,
        naive: naiveSummary,
        queryEngine,
        ratios: { naiveVsSql: naiveMs / sql.median, queryEngineVsSql: queryEngine ? queryEngine.median / sql.median : null },
      });
      console.log(`  ${name}: ${count} matches, preview median ${fmt(sql.median)} (${chosen}; join ${fmt(forced.join)}, probe ${fmt(forced.probe)})`);
    }

    const rows = results.map((r) => [
      `${r.conditions}`,
      r.name.replace(/^\d+ conditions,? ?/, ''),
      `${r.count}`,
      fmt(r.sql.median),
      fmt(r.sql.p95),
      r.strategy.chosen,
      fmt(r.strategy.joinMedian),
      fmt(r.strategy.probeMedian),
      `${fmt(r.naive.ms)}${r.naive.partial ? '*' : ''}`,
      ratio(r.naive.ms, r.sql.median),
      fmt(r.queryEngine?.median),
      ratio(r.queryEngine?.median, r.sql.median),
    ]);
    const header = [
      'conds',
      'rule',
      'matches',
      'preview median',
      'p95',
      'strategy',
      'join',
      'probe',
      'naive (json-logic)',
      'naive/preview',
      'Query Engine',
      'QE/preview',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
    console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
    if (results.some((r) => r.naive.partial)) console.log(`* naive stopped after ${budgetMs / 1000} s and extrapolated linearly to all ${total} customers`);

    const ten = results.find((r) => r.conditions === 10);
    const target = total >= 500_000 ? 1000 : total >= 50_000 ? 200 : null;
    if (ten && target)
      console.log(
        `\ntarget: 10-condition preview median ≤ ${target} ms on ${total} customers: ${fmt(ten.sql.median)} → ${ten.sql.median <= target ? 'met' : 'NOT met'}`
      );

    if (process.env.ENCRYPTION_ONLY !== '1') printHand(await measureHand(knex, now, Number(process.env.HAND_RUNS ?? 7)), database, total);

    const encryption = await measureEncryption(strapi, knex, runs, now);
    printEncryption(encryption);

    const file = path.join(ROOT, 'bench', 'results', 'preview.json');
    const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    const encryptionEntry = { measuredAt: new Date().toISOString(), load: os.loadavg(), ...encryption };
    existing[database] =
      process.env.ENCRYPTION_ONLY === '1'
        ? { ...existing[database], encryption: encryptionEntry }
        : {
            load: os.loadavg(),
            encryption: encryptionEntry,
            generatedAt: new Date().toISOString(),
            now: now.toISOString(),
            dialect,
            customers: total,
            runs: { preview: runs, queryEngine: qeRuns, naive: naiveRuns, naiveBudgetS: budgetMs / 1000 },
            target: target && ten ? { conditions: 10, medianMs: target, actualMs: ten.sql.median, met: ten.sql.median <= target } : null,
            results,
          };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(ROOT, file)} [${database}]`);
  } finally {
    await strapi.destroy();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  }
);
