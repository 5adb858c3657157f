/**
 * Which compile strategy (compile.ts) answers a rule faster over the whole table, on PostgreSQL.
 *
 * The probe strategy writes top-level "has a row" / "has no row" conjuncts as semi- and
 * anti-joins, which the planner hashes or probes as its estimates say, with parallel workers; the
 * remaining custom conditions are probed per candidate (2-3 µs each). So: with no such remaining
 * conditions, probe; otherwise probe while the database's estimate of the candidates (the plain
 * conditions, the semi-joins, small driving sets) stays under half the customers, else join.
 * Measured (bench:preview rules and a few more, 100k and 1M customers): the probe strategy was as
 * fast or faster for every rule at 1M (preview of 10 conditions: 0.84 s against 2.8 s joined).
 */
import type { Knex } from 'knex';
import { dialectOf, estimatedRows, estimatedTableRows, hasPlanEstimates } from '../../core/db/dialect';
import { HOST_TABLES as H } from '../../core/db/tables';
import { isPlain, plainRelaxation, type RuleNode } from './ast';
import { conjunctsOf, existenceJoin, impliedCustomers, isOrOfRows, matchQueryOf, plannedRule, whereIn, type Strategy } from './compile';
import { parseRuleOrThrow } from './validate';

export const PROBE_MAX_CANDIDATE_SHARE = 0.5;

/**
 * A conjunct drives a probed statement (CompileOptions.drivers) when its implied set holds at most
 * this share of the customers' count in rows: hashing it costs less than probing the rest.
 */
export const DRIVER_MAX_SHARE = 0.15;

const customerCount = async (knex: Knex): Promise<number> =>
  (await estimatedTableRows(knex, H.customers)) ?? Number((await knex(H.customers).count({ n: '*' }).first())?.n ?? 0);

export type StrategyChoice = {
  strategy: Strategy;
  drivers: string[];
  tagIds?: Record<string, number[]>;
  /**
   * PostgreSQL's estimates behind the choice, when it made one: the customers, and the candidates
   * the probes see (at least the matches). The preview's risk split decides from them instead of
   * asking the planner again (preview.ts estimatedShare).
   */
  estimate?: { candidates: number; customers: number };
  /**
   * The probe strategy joins a top-level `or` of "has a row" conditions as one union of customers
   * (compile.ts): the statement then dedupes it sorted, not hashed (planner.ts tuneForWholeTable).
   */
  sortUnion?: boolean;
};

const tagSlugs = (node: RuleNode, slugs = new Set<string>()): Set<string> => {
  if (node.kind === 'has_tag') slugs.add(node.slug);
  else if (node.kind === 'and' || node.kind === 'or') node.args.forEach((a) => tagSlugs(a, slugs));
  else if (node.kind === 'not') tagSlugs(node.arg, slugs);
  return slugs;
};

/**
 * The ids of the rule's tag slugs (PostgreSQL), so that the planner knows which slice of the
 * assignments a has_tag reads: behind a subquery it guessed 100 rows for any tag and picked
 * nested loops over 55k real ones. Read just before the statement; a tag created or deleted in
 * between is a race the same as one committed just after.
 */
export const resolveTagIds = async (knex: Knex, ast: RuleNode): Promise<Record<string, number[]> | undefined> => {
  const slugs = [...tagSlugs(ast)];
  if (slugs.length === 0) return undefined;
  const rows: Array<{ id: number; slug: string }> = await knex(H.tags).whereIn('slug', slugs).select('id', 'slug');
  return Object.fromEntries(slugs.map((slug) => [slug, rows.filter((r) => r.slug === slug).map((r) => Number(r.id))]));
};

/**
 * The planner settings a statement built with a choice runs under (core/db/dialect
 * tuneForWholeTable): one place that carries them, so that no caller forgets one.
 */
export type Tuning = Pick<StrategyChoice, 'strategy' | 'sortUnion'>;
export const tuningOf = ({ strategy, sortUnion }: StrategyChoice): Tuning => ({ strategy, sortUnion });

/**
 * How to run `rule` over every customer: the strategy, and (for `probe`) the conjuncts whose
 * implied customer sets are small enough to drive the statement. `force` fixes the strategy
 * (benchmarks). SQLite and MySQL keep `join`: their planners were tuned and tested on it, and
 * they have no cheap estimate to decide with.
 */
export const chooseStrategy = async (knex: Knex, rule: unknown, now: Date, force?: Strategy): Promise<StrategyChoice> => {
  if (!hasPlanEstimates(knex)) return { strategy: force ?? 'join', drivers: [] };
  // As compiled (compile.ts plannedRule): windows read from the rollup's latest dates are plain conditions.
  const ast = plannedRule(parseRuleOrThrow(rule), now);
  const tagIds = await resolveTagIds(knex, ast);
  const join: StrategyChoice = { strategy: 'join', drivers: [], tagIds };
  if (force === 'join' || (!force && isPlain(ast))) return join;
  const total = await customerCount(knex);
  const ctx = { knex, dialect: dialectOf(knex), now, tagIds };
  const plain = plainRelaxation(ast);
  const query = plain ? matchQueryOf(knex, plain, { now }) : knex.from(`${H.customers} as c`).select('c.id');
  const drivers: string[] = [];
  // The candidates the probes see: the plain conditions, the semi-joined conjuncts, and the
  // conjuncts whose small implied sets are made to drive.
  const probed: RuleNode[] = [];
  for (const node of conjunctsOf(ast)) {
    const joined = existenceJoin(node);
    if (!isPlain(node) && !joined) probed.push(node);
    // Not an `or`'s union: the planner cannot estimate its distinct customers (it assumes 200).
    const set = node.kind === 'or' ? null : impliedCustomers(ctx, node);
    if (!set) continue;
    if (joined === 'semi' || (await estimatedRows(knex, set)) <= total * DRIVER_MAX_SHARE) {
      if (!joined) drivers.push(node.path);
      whereIn(query, set);
    }
  }
  const sortUnion = conjunctsOf(ast).some(isOrOfRows);
  // Only semi- and anti-joins (and plain conditions): the planner hashes or probes each as it sees fit.
  if (probed.length === 0) return { strategy: 'probe', drivers, tagIds, sortUnion };
  const estimate = { candidates: await estimatedRows(knex, query.toSQL()), customers: total };
  if (force === 'probe' || estimate.candidates <= total * PROBE_MAX_CANDIDATE_SHARE) return { strategy: 'probe', drivers, tagIds, estimate, sortUnion };
  return { ...join, estimate };
};
