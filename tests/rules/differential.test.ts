/**
 * One meaning, two engines (docs/rules.md): for random valid rules, the customers the compiled SQL
 * selects are exactly those the JS evaluator accepts, on a generated dataset full of nulls and
 * boundary values. Reproduce a failure with RULES_SEED=<seed printed below>.
 */
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { OPERATOR_IDS } from '../../plugins/client-insights/server/src/modules/rules/operators';
import { FIELDS } from '../../plugins/client-insights/server/src/modules/rules/catalogue';
import { conjunctsOf, matchQuery, plannedRule } from '../../plugins/client-insights/server/src/modules/rules/compile';
import { resolveTagIds } from '../../plugins/client-insights/server/src/modules/rules/strategy';
import { compileEvaluator } from '../../plugins/client-insights/server/src/modules/rules/evaluate';
import { loadFactsMany } from '../../plugins/client-insights/server/src/modules/rules/facts';
import { parseRuleOrThrow, validateRule } from '../../plugins/client-insights/server/src/modules/rules/validate';
import type { CustomerFacts } from '../../plugins/client-insights/server/src/modules/rules/types';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { buildDataset, prng, type Dataset } from './dataset';
import { ruleGenerator } from './rule-generator';

const SEED = Number(process.env.RULES_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RULES = Number(process.env.RULES_COUNT ?? 1000);
const CUSTOMERS = Number(process.env.RULES_CUSTOMERS ?? 2000);
const NOW = new Date('2026-01-15T12:00:00.000Z');

describe(`differential: SQL compiler vs JS evaluator (seed ${SEED})`, () => {
  let app: TestApp;
  let knex: Knex;
  let data: Dataset;
  let facts: Map<number, CustomerFacts>;

  beforeAll(async () => {
    console.log(`differential test: RULES_SEED=${SEED} TEST_DB=${process.env.TEST_DB ?? 'sqlite'}`);
    app = await startStrapi();
    knex = app.strapi.db.connection;
    data = await buildDataset(knex, { customers: CUSTOMERS, seed: SEED, now: NOW, bindDate: (d) => bindDate(knex, d) });
    facts = await loadFactsMany(knex, data.customerIds, { now: NOW });
  });
  afterAll(async () => app?.stop());

  it('loads every customer facts, with and without rollup rows', () => {
    expect(facts.size).toBe(CUSTOMERS);
    const all = [...facts.values()];
    expect(all.some((f) => f.orders.length === 0 && f.metrics.order_count === 0)).toBe(true);
    expect(all.some((f) => f.score.clv === null)).toBe(true);
    expect(all.some((f) => f.tags.length > 0)).toBe(true);
  });

  it(`agrees on ${RULES} random rules`, async () => {
    const generator = ruleGenerator(prng(SEED ^ 0x5eed), data, NOW);
    const operators = new Set<string>();
    const fields = new Set<string>();
    const failures: string[] = [];
    let selective = 0;
    // Rules whose windows of interactions or paid orders the compiler reads from the rollup's latest dates (window-columns.ts).
    let latestDateRules = 0;
    let sqlMs = 0;
    let jsMs = 0;
    for (let i = 0; i < RULES && failures.length < 5; i += 1) {
      // Every third rule is of a shape the compiler plans apart (rule-generator.ts shaped).
      const { rule, operators: ops, fields: used } = i % 3 === 2 ? generator.shaped() : generator.generate();
      ops.forEach((o) => operators.add(o));
      used.forEach((f) => fields.add(f));
      const validation = validateRule(rule);
      if (!validation.valid) {
        failures.push(`rule #${i} is invalid: ${JSON.stringify(validation.errors)}\n${JSON.stringify(rule)}`);
        continue;
      }
      const jsStart = Date.now();
      const decide = compileEvaluator(rule);
      const jsIds = new Set([...facts].filter(([, f]) => decide(f, { now: NOW })).map(([id]) => id));
      jsMs += Date.now() - jsStart;
      // Both compile strategies (rules/compile.ts) over the whole table, each against the JS. Every
      // other rule probes with every top-level conjunct as a driver (its implied set filters too),
      // its tag slugs resolved to ids, as strategy.ts does on PostgreSQL, and its union grouped
      // (a broad preview's, compile.ts groupedUnion).
      const ast = parseRuleOrThrow(rule);
      if (plannedRule(ast, NOW) !== ast) latestDateRules += 1;
      const probeOptions = i % 2 ? { drivers: conjunctsOf(ast).map((n) => n.path), tagIds: await resolveTagIds(knex, ast), groupedUnion: true } : {};
      let sqlIds = new Set<number>();
      for (const strategy of ['join', 'probe'] as const) {
        const sqlStart = Date.now();
        try {
          const rows = await matchQuery(knex, rule, { now: NOW, strategy, ...(strategy === 'probe' ? probeOptions : {}) });
          sqlMs += Date.now() - sqlStart;
          sqlIds = new Set(rows.map((row: { customer_id: unknown }) => Number(row.customer_id)));
        } catch (error) {
          failures.push(`rule #${i} failed in SQL (${strategy}): ${(error as Error).message}\n${JSON.stringify(rule)}`);
          break;
        }
        const onlySql = [...sqlIds].filter((id) => !jsIds.has(id));
        const onlyJs = [...jsIds].filter((id) => !sqlIds.has(id));
        if (onlySql.length || onlyJs.length) {
          const example = onlySql[0] ?? onlyJs[0];
          failures.push(
            `rule #${i} disagrees (${strategy}, RULES_SEED=${SEED}): SQL-only ${onlySql.length} ${JSON.stringify(onlySql.slice(0, 5))}, ` +
              `JS-only ${onlyJs.length} ${JSON.stringify(onlyJs.slice(0, 5))}\nrule: ${JSON.stringify(rule)}\n` +
              `customer ${example} facts: ${JSON.stringify(facts.get(example))}`
          );
        }
      }
      if (sqlIds.size > 0 && sqlIds.size < CUSTOMERS) selective += 1;
      // The walk in id order (compile.ts walk: a broad preview's sample) finds the same first matches.
      if (i % 5 === 0) {
        const rows = await matchQuery(knex, rule, { now: NOW, walk: true, ...probeOptions })
          .orderBy('c.id')
          .limit(20);
        const got = rows.map((row: { customer_id: unknown }) => Number(row.customer_id));
        const want = [...jsIds].sort((a, b) => a - b).slice(0, 20);
        if (JSON.stringify(got) !== JSON.stringify(want))
          failures.push(`rule #${i} walks to other first matches (RULES_SEED=${SEED})\nrule: ${JSON.stringify(rule)}`);
      }
      // Deciding for a page of customers (customerIds) gives the same answer for them.
      if (i % 20 === 0) {
        const page = data.customerIds.filter((id) => (id * 7 + i) % 13 === 0);
        const rows = await matchQuery(knex, rule, { now: NOW, customerIds: page });
        const got = rows.map((row: { customer_id: unknown }) => Number(row.customer_id)).sort((a: number, b: number) => a - b);
        const want = page.filter((id) => sqlIds.has(id));
        if (JSON.stringify(got) !== JSON.stringify(want))
          failures.push(`rule #${i} differs with customerIds (RULES_SEED=${SEED})\nrule: ${JSON.stringify(rule)}`);
      }
    }
    console.log(`${RULES} rules x ${CUSTOMERS} customers: SQL ${sqlMs} ms, JS ${jsMs} ms, selective ${selective}, read from latest dates ${latestDateRules}`);
    if (failures.length) throw new Error(`${failures.length} failing rule(s), seed ${SEED}:\n\n${failures.join('\n\n')}`);
    // The test means something only if rules split the customers and touch the whole language.
    expect(selective).toBeGreaterThan(RULES * 0.5);
    expect(latestDateRules).toBeGreaterThan(RULES * 0.05);
    expect([...operators].sort()).toEqual([...OPERATOR_IDS].sort());
    expect([...fields].sort()).toEqual(FIELDS.map((f) => f.path).sort());
  });
});
