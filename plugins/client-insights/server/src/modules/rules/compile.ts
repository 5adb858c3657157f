/**
 * Rule → one SQL statement over `customers as c` (SQLite, PostgreSQL, MySQL/MariaDB).
 * Every value is a bound parameter; every identifier comes from the catalogue or the constants
 * below. The meaning of each operator is in operators.ts; this file only assembles it.
 */
import type { Knex } from 'knex';
import { dialectOf, joinRowByKey, probesNeedFence } from '../../core/db/dialect';
import { joinSql, raw, sql, type Sql } from '../../core/db/sql-fragment';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { isPlain, operandIsInteger, plainRelaxation, operandMissingValue, operandType, type Operand, type RuleNode } from './ast';
import { FIELDS } from './catalogue';
import { AGGREGATE, COMPARE, DAYS_SINCE, integerIntervals, LOGIC, MEMBERSHIP, tagRows, type ParamContext, type SqlContext } from './operators';
import { encryptedFieldOf, hashedLiterals, hashSql } from './encrypted';
import { countExistence, LAST_EVENT_FIELDS, withWindowColumns } from './window-columns';
import { QUOTIENT, QUOTIENT_FIELDS } from './quotient';
import type { RuleLimits } from './types';
import { parseRuleOrThrow } from './validate';

/**
 * How the custom operators read orders, events, tags and memberships:
 * - `join`: each one is grouped once over its rows for every customer and hash-joined. Its cost
 *   follows the size of its window, whatever the other conditions: best when most customers
 *   are candidates.
 * - `probe`: top-level "has a row" and "has no row" conditions (tags, segments, counts against 0
 *   or 1) are EXISTS / NOT EXISTS, which PostgreSQL plans as semi- and anti-joins; the others are
 *   correlated subqueries through the customer's index, evaluated only for the customers the
 *   rest leaves, and only until one fails: best when those are few, and for a list of ids.
 * Both mean exactly the same (the differential test runs both); strategy.ts picks one.
 */
export type Strategy = 'join' | 'probe';

export type CompileOptions = {
  /** The instant the whole preview or run uses (docs/rules.md "Now"). */
  now: Date;
  /** Restrict to these customers (ids, or a query of their ids: a page of events); implies `probe`. */
  customerIds?: number[] | Knex.QueryBuilder;
  /** Default `join` for the whole table (see chooseStrategy in strategy.ts). */
  strategy?: Strategy;
  /**
   * JSON pointers of top-level conjuncts whose implied customer set (impliedCustomers) also
   * filters the customers, as `c.id in (…)`: a small set then drives the statement instead of a
   * pass over every customer. Redundant by construction, so the meaning is unchanged.
   */
  drivers?: string[];
  /** Ids of the rule's tag slugs, read just before (strategy.ts); has_tag reads them by subquery otherwise. */
  tagIds?: Record<string, number[]>;
  limits?: Partial<RuleLimits>;
  /**
   * Also join the metrics and scores rows (`m`, `s`) to the matches, so that the caller can select
   * their columns from the same joins the rule reads (the preview's risk split): joined once
   * instead of a second time over the matches. Does not change which customers match.
   * `metricsWhere` (SQL over metrics columns): when the rule itself reads no metrics column, only
   * the metrics rows meeting it are joined (the others' columns come back null), which a partial
   * index can serve instead of every row. `scores: false`: the scores row is not joined for the
   * caller (nobody is scored yet); the rule's own score conditions still join it.
   */
  joinRollups?: { metricsWhere?: string; scores?: boolean };
  /**
   * Every condition a probe per customer: no semi-join, anti-join or union of customers, which
   * the database computes whole before the first match. For a walk of the customers in id order
   * that stops at the first matches (a broad preview's sample); implies `probe`, ignores `drivers`.
   */
  walk?: boolean;
  /**
   * A top-level `or` of "has a row" conditions as `union all` grouped by customer, not `union`:
   * PostgreSQL dedupes the grouped form in parallel workers (a UNION in one process), but
   * estimates it at 200 customers whatever its size, so only for a statement that joins by merge
   * with nested loops off (a broad preview, preview.ts RiskRead `walk`).
   */
  groupedUnion?: boolean;
};

type Join = 'metrics' | 'scores';

/** Column of each catalogue field: c = customers, m = ci_customer_metrics, s = ci_customer_scores. */
const FIELD_SQL: Record<string, { column: string; join?: Join }> = Object.fromEntries(
  [...FIELDS, ...Object.values(LAST_EVENT_FIELDS)].map((f) => {
    const name = f.path.slice(f.path.indexOf('.') + 1);
    if (f.path === 'customer.owner') {
      // manyToOne through Strapi's link table; min() keeps it one value even with stray duplicates.
      return [f.path, { column: `(select min(ow.user_id) from ${H.customerOwner.table} ow where ow.customer_id = c.id)` }];
    }
    if (f.group === 'metrics') return [f.path, { column: `m.${name}`, join: 'metrics' as Join }];
    if (f.group === 'score') return [f.path, { column: `s.${name}`, join: 'scores' as Join }];
    return [f.path, { column: `c.${name}` }];
  })
);

type AggregateOperand = Exclude<Operand, { kind: 'field' | 'days_since' }>;
const aggregateArgs = (operand: AggregateOperand) => (operand.kind === 'event_count' ? [operand.eventType, operand.days] : [operand.days]);

/** The conjuncts of a rule's top-level `and`, nested ands flattened; the rule itself otherwise. */
export const conjunctsOf = (node: RuleNode): RuleNode[] => (node.kind === 'and' ? node.args.flatMap(conjunctsOf) : [node]);

/**
 * A comparison on an event or order count that is false at 0 (so only customers with rows can
 * hold it): the counts it holds for, as a HAVING condition on `count(*)`; `null` when that is
 * "at least 1", which every customer with a row meets. Counts are whole, so integerIntervals is
 * exact: the grouped rows are then exactly the customers the comparison selects.
 */
const countHaving = (node: Extract<RuleNode, { kind: 'compare' }>): Sql | null => {
  const intervals = integerIntervals(node.op, node.literals);
  if (intervals.length === 1 && intervals[0][0] <= 1 && intervals[0][1] === Infinity) return null;
  const parts = intervals.map(([lo, hi]) => {
    if (lo === hi) return sql`count(*) = ${lo}`;
    const bounds = [...(lo === -Infinity ? [] : [sql`count(*) >= ${lo}`]), ...(hi === Infinity ? [] : [sql`count(*) <= ${hi}`])];
    return bounds.length ? joinSql(bounds, ' and ') : raw('(1=1)');
  });
  return parts.length ? joinSql(parts, ' or ') : raw('(1=0)');
};

/** A comparison on an event or order count, false without rows: its impliedCustomers set is exactly the customers it selects. */
const isExactlyImplied = (node: RuleNode): boolean =>
  node.kind === 'compare' &&
  (node.operand.kind === 'event_count' || node.operand.kind === 'order_count') &&
  !COMPARE[node.op].js(operandMissingValue(node.operand), ...node.literals);

/**
 * `select <customer id> from …`: a set of customers that contains every customer satisfying
 * `node`, or null when `node` implies none. has_tag and in_segment: their rows. A comparison on a
 * count or sum that is false without rows: its window's rows; on a count, grouped to the
 * customers whose count it holds for (exact: "at least 2 clicks" drives with the 7k customers who
 * clicked twice, not the 113k who clicked). An `or`: the union of its branches' sets; an `and`:
 * any of its parts' sets.
 */
export const impliedCustomers = (ctx: SqlContext, node: RuleNode): Sql | null => {
  switch (node.kind) {
    case 'has_tag':
    case 'in_segment': {
      const { from, customer } = MEMBERSHIP[node.kind].sql(ctx, node.kind === 'has_tag' ? node.slug : node.key);
      return sql`select ${customer} from ${from}`;
    }
    case 'compare': {
      const { operand, op, literals } = node;
      if (operand.kind === 'field' || operand.kind === 'days_since') return null;
      if (COMPARE[op].js(operandMissingValue(operand), ...literals)) return null;
      const { from, customer } = AGGREGATE[operand.kind].sql(ctx, aggregateArgs(operand));
      const having = isExactlyImplied(node) ? countHaving(node) : null;
      return having ? sql`select ${customer} from ${from} group by ${customer} having ${having}` : sql`select ${customer} from ${from}`;
    }
    case 'or': {
      const parts = node.args.map((a) => impliedCustomers(ctx, a));
      return parts.every((p): p is Sql => p !== null) ? joinSql(parts, ' union all ') : null;
    }
    case 'and':
      return node.args.map((a) => impliedCustomers(ctx, a)).find((p): p is Sql => p !== null) ?? null;
    default:
      return null;
  }
};

/**
 * The "has a row" conditions `node` is made of, or null when it is not one: has_tag, in_segment,
 * an event or order count that holds exactly when it is at least 1, or an `or` of those (which
 * reads as one set of customers: one pass over the union of its rows).
 */
const rowLeaves = (node: RuleNode): RuleNode[] | null => {
  if (node.kind === 'has_tag' || node.kind === 'in_segment') return [node];
  if (node.kind === 'compare') return countExistence(node) === 'some' ? [node] : null;
  if (node.kind !== 'or') return null;
  const parts = node.args.map(rowLeaves);
  return parts.every((p): p is RuleNode[] => p !== null) ? parts.flat() : null;
};

/** The customers with a row that makes a rowLeaves condition true, as a `select … as customer_id` part. */
const rowSet = (ctx: SqlContext, leaf: RuleNode): Sql => {
  if (leaf.kind === 'has_tag' || leaf.kind === 'in_segment') {
    const { from, customer } = MEMBERSHIP[leaf.kind].sql(ctx, leaf.kind === 'has_tag' ? leaf.slug : leaf.key);
    return sql`select ${customer} as customer_id from ${from}`;
  }
  const operand = (leaf as Extract<RuleNode, { kind: 'compare' }>).operand as AggregateOperand;
  const { from, customer } = AGGREGATE[operand.kind].sql(ctx, aggregateArgs(operand));
  return sql`select ${customer} as customer_id from ${from}`;
};

/** `node`'s customers as UNION parts (see rowLeaves), or null when it is not a "has a row" condition. */
const rowSetsOf = (ctx: SqlContext, node: RuleNode): Sql[] | null => rowLeaves(node)?.map((leaf) => rowSet(ctx, leaf)) ?? null;

/**
 * The slugs of an `or` made of has_tag conditions only (nested `or`s flattened), or null: it
 * reads as one has_tag of several tags (operators.ts tagRows), one semi-join over one slice of
 * the tag index instead of a union of slices deduped for the whole statement.
 */
const anyTagSlugs = (node: RuleNode): string[] | null => {
  if (node.kind === 'has_tag') return [node.slug];
  if (node.kind !== 'or') return null;
  const parts = node.args.map(anyTagSlugs);
  return parts.every((p): p is string[] => p !== null) ? [...new Set(parts.flat())] : null;
};
const isOrOfTags = (node: RuleNode): boolean => node.kind === 'or' && anyTagSlugs(node) !== null;

/** An `or` of two or more "has a row" branches (not tags only), which compiles to one union of customers. */
export const isOrOfRows = (node: RuleNode): boolean => node.kind === 'or' && !isOrOfTags(node) && (rowLeaves(node)?.length ?? 0) >= 2;

/** `(<set> union all <set> …) u`: rows of customers, each as often as it has rows. */
const unionAll = (sets: Sql[]): Sql => sql`(${joinSql(sets, ' union all ')}) u`;

/**
 * The customers of a rule that is one `or` of "has a row" conditions and nothing else, as the
 * rows `c` (one column, `id`) the statement starts from, instead of every customer joined to the
 * union: nothing else reads the customers table. Each id is checked against it, since a copy's,
 * tag's or membership's row can name a customer deleted since (the copies until the next drain,
 * tag rows for good). The check is a semi-join before the grouping (`groupedUnion`), which
 * PostgreSQL's workers then share: seven signals at 1M customers, 452 ms → 413 ms for the match
 * (the union alone 345 ms).
 */
const unionCustomers = (ctx: SqlContext, node: RuleNode, groupedUnion: boolean): Sql | null => {
  const sets = isOrOfRows(node) ? rowSetsOf(ctx, node) : null;
  if (!sets) return null;
  const exists = raw(`exists (select 1 from ${H.customers} x where x.id = u.customer_id)`);
  return groupedUnion
    ? sql`select u.customer_id as id from ${unionAll(sets)} where ${exists} group by u.customer_id`
    : sql`select u.customer_id as id from (${joinSql(sets, ' union ')}) u where ${exists}`;
};

/**
 * The rule as compiled: its "any / none in N days" read from the rollup's latest dates where
 * cheaper (window-columns.ts), which is only when the rule joins the metrics row anyway: otherwise
 * every candidate would pay that join for it.
 */
export const plannedRule = (ast: RuleNode, now: Date): RuleNode => (joinsOf(ast).has('metrics') ? withWindowColumns(ast, now, isOrOfRows) : ast);

/** A condition that reads as one set of customers: a leaf, an `or` of tags, an `or` of "has a row" branches. */
const isOneSet = (node: RuleNode): boolean => isLeaf(node) || isOrOfTags(node) || isOrOfRows(node);

/**
 * `exists (… where customer = c.id)`, for top-level conjuncts. Correlated with `c.id` alone,
 * PostgreSQL turns it into a semi-join (or `not exists` into an anti-join) and chooses, from its
 * estimates, between hashing the rows once and probing the index per candidate; workers can share
 * the work. Under `or` or `not` an EXISTS stays a per-customer subplan that runs in the customers
 * scan, before the metrics filters (measured twice as slow as the scalar probe there).
 */
const existsFor = (from: Sql, customer: Sql): Sql => sql`exists (select 1 from ${from} and ${customer} = c.id)`;

const isLeaf = (node: RuleNode) => node.kind !== 'and' && node.kind !== 'or' && node.kind !== 'not';

/**
 * How the probe strategy writes a top-level conjunct that reads other tables: 'semi' for EXISTS
 * (a semi-join), 'anti' for NOT EXISTS (an anti-join), null for a per-candidate probe.
 */
export const existenceJoin = (node: RuleNode): 'semi' | 'anti' | null => {
  if (node.kind === 'has_tag' || node.kind === 'in_segment' || isOrOfTags(node) || isOrOfRows(node)) return 'semi';
  if (node.kind === 'compare') {
    const existence = countExistence(node);
    return existence === 'some' ? 'semi' : existence === 'none' ? 'anti' : null;
  }
  if (node.kind === 'not' && isOneSet(node.arg)) {
    const inner = existenceJoin(node.arg);
    return inner === 'semi' ? 'anti' : inner === 'anti' ? 'semi' : null;
  }
  return null;
};

/** A grouped subquery over orders, interactions, tags or memberships, left-joined as `alias`. */
type Derived = { alias: string; sql: Sql };

/** The rollup tables a rule's fields read. */
const joinsOf = (node: RuleNode, joins = new Set<Join>()): Set<Join> => {
  if (node.kind === 'and' || node.kind === 'or') node.args.forEach((a) => joinsOf(a, joins));
  else if (node.kind === 'not') joinsOf(node.arg, joins);
  else if (node.kind === 'compare' && (node.operand.kind === 'field' || node.operand.kind === 'days_since')) {
    const { join } = FIELD_SQL[node.operand.field.path];
    if (join) joins.add(join);
  }
  return joins;
};

/**
 * The customer id a probe is correlated with. It names every joined table (they all carry the
 * same id, or null when a rollup row is missing) so that PostgreSQL places the probes above the
 * joins: after every plain condition, including the metrics and score ones, has filtered.
 * Correlated with `c.id` alone they ran inside the customers scan, before the metrics filter.
 */
const probeKey = (joins: Set<Join>): Sql => {
  const ids = [...(joins.has('metrics') ? ['m.customer_id'] : []), ...(joins.has('scores') ? ['s.customer_id'] : []), 'c.id'];
  return raw(ids.length === 1 ? ids[0] : `coalesce(${ids.join(', ')})`);
};

/** `select customer, agg … group by customer`: one row per customer of `from`. */
const grouped = (from: Sql, customer: Sql, value?: Sql): Sql =>
  value
    ? sql`select ${customer} as customer_id, ${value} as agg_value from ${from} group by ${customer}`
    : sql`select ${customer} as customer_id from ${from} group by ${customer}`;

/**
 * The parts of an `and` / `or` with the cheap ones first: plain conditions (columns of rows at
 * hand), then membership and "has a row" tests, then counts and sums. SQL's `and` / `or` mean the
 * same in any order; inside an expression the database evaluates them left to right and stops at
 * the first that decides, so a plain condition that fails (or, in an `or`, holds) spares the
 * probes after it.
 */
const costRank = (node: RuleNode): number => {
  if (isPlain(node)) return 0;
  if (node.kind === 'has_tag' || node.kind === 'in_segment' || existenceJoin(node)) return 1;
  if (node.kind === 'not') return costRank(node.arg);
  if (node.kind === 'and' || node.kind === 'or') return Math.max(...node.args.map(costRank));
  return 2;
};
const byCost = (nodes: RuleNode[]): RuleNode[] =>
  nodes
    .map((node, i) => ({ node, i, rank: costRank(node) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.node);

class Compiler {
  derived: Derived[] = [];

  constructor(
    private ctx: SqlContext,
    /** Correlation key of probes; null for the join strategy. */
    private probe: Sql | null,
    /** CompileOptions.groupedUnion. */
    private groupedUnion = false
  ) {}

  /** `top`: `node` is a conjunct of the rule's top-level `and` (or the negation of a leaf one). */
  node(node: RuleNode, top = false): Sql {
    switch (node.kind) {
      case 'and':
        return LOGIC.and.sql(byCost(node.args).map((a) => this.node(a, top)));
      case 'or': {
        const slugs = anyTagSlugs(node);
        if (slugs) return this.membership(tagRows(this.ctx, slugs), top);
        // An `or` of "has a row" branches: one left join of the UNION of their customers (distinct,
        // so at most one row per customer), instead of a grouped join or a probe per branch. It is
        // a join, not `c.id in (union)`: PostgreSQL cannot estimate the union's distinct customers
        // for a semi-join (it assumes 200) and looked each of 550k rows up by index; as a join that
        // its `is not null` makes inner, it hashes the union once. Under the probe strategy only at
        // the top: deeper, the candidates are few and probing each costs less than the whole union.
        const sets = !this.probe || top ? rowSetsOf(this.ctx, node) : null;
        if (sets && sets.length >= 2) {
          const union = this.groupedUnion ? sql`select customer_id from ${unionAll(sets)} group by customer_id` : joinSql(sets, ' union ');
          return sql`${raw(this.derive(union))}.customer_id is not null`;
        }
        return LOGIC.or.sql(byCost(node.args).map((a) => this.node(a)));
      }
      case 'not':
        return LOGIC['!'].sql([this.node(node.arg, top && isOneSet(node.arg))]);
      case 'has_tag':
      case 'in_segment':
        return this.membership(MEMBERSHIP[node.kind].sql(this.ctx, node.kind === 'has_tag' ? node.slug : node.key), top);
      case 'compare':
        return this.compare(node, top);
    }
  }

  /** Holding a row of `from`: a semi-join at the top of a probe, a probe deeper, a grouped join otherwise. */
  private membership({ from, customer }: { from: Sql; customer: Sql }, top: boolean): Sql {
    if (this.probe && top) return existsFor(from, customer);
    if (this.probe) return sql`(select 1 from ${from} and ${customer} = ${this.probe} limit 1) is not null`;
    return sql`${raw(this.derive(grouped(from, customer)))}.customer_id is not null`;
  }

  /**
   * Custom operators read other tables through `left join (select customer, agg … group by
   * customer) as jN on jN.customer_id = c.id`: one pass over those rows, hash- or index-joined,
   * under any and/or/not. (An `IN (subquery)` under OR or NOT becomes a per-row subplan in
   * PostgreSQL once the set outgrows work_mem.) Identical subqueries share one join.
   */
  private derive(select: Sql): string {
    const key = JSON.stringify([select.sql, select.bindings]);
    const existing = this.derived.find((d) => JSON.stringify([d.sql.sql, d.sql.bindings]) === key);
    if (existing) return existing.alias;
    const alias = `j${this.derived.length + 1}`;
    this.derived.push({ alias, sql: select });
    return alias;
  }

  /**
   * The SQL value of an operand. `nullable`: SQL NULL exactly when the value is missing (null, or
   * 0 for counts); a probe's count or sum is never NULL, it is 0 itself.
   */
  private value(operand: Operand): { value: Sql; nullable: boolean } {
    if (operand.kind === 'field' || operand.kind === 'days_since') return { value: raw(FIELD_SQL[operand.field.path].column), nullable: true };
    const { from, customer, value } = AGGREGATE[operand.kind].sql(this.ctx, aggregateArgs(operand));
    if (this.probe) return { value: sql`(select ${value} from ${from} and ${customer} = ${this.probe})`, nullable: false };
    return { value: raw(`${this.derive(grouped(from, customer, value))}.agg_value`), nullable: true };
  }

  private compare(node: Extract<RuleNode, { kind: 'compare' }>, top: boolean): Sql {
    const { op, operand, literals } = node;
    const row = COMPARE[op];
    const p: ParamContext = {
      ...this.ctx,
      text: ['string', 'enum'].includes(operandType(operand)),
      integer: operandIsInteger(operand),
      datetime: operand.kind === 'field' && operand.field.type === 'datetime',
    };
    const existence = this.probe && top ? countExistence(node) : null;
    if (existence && operand.kind !== 'field' && operand.kind !== 'days_since') {
      const { from, customer } = AGGREGATE[operand.kind].sql(this.ctx, aggregateArgs(operand));
      return existence === 'some' ? existsFor(from, customer) : sql`(not ${existsFor(from, customer)})`;
    }
    const quotient = operand.kind === 'field' ? QUOTIENT_FIELDS[operand.field.path] : undefined;
    if (quotient && operand.kind === 'field') {
      // Compared exactly on its two columns (quotient.ts); missing without a count.
      const [total, count] = [quotient.total, quotient.count].map((name) => FIELD_SQL[`${operand.field.group}.${name}`].column);
      const holds = QUOTIENT.sql(this.ctx.dialect, op, literals, total, count);
      const present = raw(`coalesce(${count}, 0) > 0`);
      return row.js(null, ...literals) ? sql`(not (${present}) or ${holds})` : sql`(${present} and ${holds})`;
    }
    const { value, nullable } = this.value(operand);
    const encrypted = encryptedFieldOf(operand);
    const present =
      operand.kind === 'days_since'
        ? DAYS_SINCE.sql(this.ctx, value, op, literals)
        : encrypted
          ? row.sql(raw(hashSql(encrypted)), hashedLiterals(encrypted, literals), p)
          : row.sql(value, literals, p);
    if (!nullable) return present;
    // What the rule says when the value is missing (no row, or a null column): the row's own JS
    // decides, so `!(x > 5)` is true for a null x and `count < 2` is true without rows.
    const whenMissing = row.js(operandMissingValue(operand), ...literals);
    return whenMissing ? sql`(${value} is null or ${present})` : sql`(${value} is not null and ${present})`;
  }
}

const ROLLUPS: Record<Join, { table: string; alias: string }> = {
  metrics: { table: TABLES.metrics, alias: 'm' },
  scores: { table: TABLES.scores, alias: 's' },
};

type FilterMode = {
  probe: boolean;
  /** The rollups are looked up per row by key (joinRowByKey), for a few candidates. */
  lateral?: boolean;
  rollups?: CompileOptions['joinRollups'];
  /** CompileOptions.walk: no condition is a top-level conjunct. */
  walk?: boolean;
  /** CompileOptions.groupedUnion. */
  groupedUnion?: boolean;
};

/**
 * Adds to `query` (rows `c` of customers) the rollup joins `node` reads, its custom operators'
 * joins and the condition itself (none without `node`: only the `rollups`).
 */
const filter = (
  query: Knex.QueryBuilder,
  node: RuleNode | null,
  ctx: SqlContext,
  { probe, lateral, rollups, walk, groupedUnion }: FilterMode
): Knex.QueryBuilder => {
  const joins = node ? joinsOf(node) : new Set<Join>();
  const compiler = new Compiler(ctx, probe ? probeKey(joins) : null, groupedUnion);
  const predicate = node ? compiler.node(node, !walk) : null;
  const added: Join[] = rollups?.scores === false ? ['metrics'] : ['metrics', 'scores'];
  for (const join of rollups ? new Set<Join>([...joins, ...added]) : joins) {
    const { table, alias } = ROLLUPS[join];
    const only = join === 'metrics' && !joins.has('metrics') ? rollups?.metricsWhere : undefined;
    if (lateral) joinRowByKey(ctx.knex, query, table, alias, 'customer_id', 'c.id');
    else if (only) query.leftJoin(ctx.knex.raw(`(select * from ${table} where ${only}) as ${alias}`), `${alias}.customer_id`, 'c.id');
    else query.leftJoin(`${table} as ${alias}`, `${alias}.customer_id`, 'c.id');
  }
  for (const d of compiler.derived) {
    query.joinRaw(`left join (${d.sql.sql}) ${d.alias} on ${d.alias}.customer_id = c.id`, d.sql.bindings as any[]);
  }
  return predicate ? query.whereRaw(predicate.sql, predicate.bindings as any[]) : query;
};

const allOf = (nodes: RuleNode[], path: string): RuleNode => (nodes.length === 1 ? nodes[0] : { kind: 'and', path, args: nodes });

/**
 * The rule's conjuncts, each `or` that reads other tables preceded by the plain conditions every
 * one of its branches implies (plainRelaxation): redundant, so the meaning is unchanged, but the
 * database applies them in the scan, before any probe or join of the `or`'s branches.
 */
const narrowedConjuncts = (ast: RuleNode): RuleNode[] => {
  const conjuncts = conjunctsOf(ast);
  const implied = conjuncts.filter((n) => n.kind === 'or' && !isPlain(n)).map(plainRelaxation);
  return [...implied.filter((n): n is RuleNode => n !== null).flatMap(conjunctsOf), ...conjuncts];
};

const astQuery = (knex: Knex, parsed: RuleNode, options: CompileOptions): Knex.QueryBuilder => {
  const ctx: SqlContext = { knex, dialect: dialectOf(knex), now: options.now, tagIds: options.tagIds };
  const { walk, joinRollups: rollups, groupedUnion } = options;
  const probe = Boolean(options.customerIds) || options.strategy === 'probe' || Boolean(walk);
  const all = narrowedConjuncts(plannedRule(parsed, options.now));
  const union = !walk && !options.customerIds && all.length === 1 ? unionCustomers(ctx, all[0], Boolean(groupedUnion)) : null;
  if (union) return filter(knex.from(knex.raw(`(${union.sql}) as c`, union.bindings as any[])), null, ctx, { probe, rollups });
  const driving = walk ? [] : all.filter((n) => options.drivers?.includes(n.path));
  const base = knex.from(`${H.customers} as c`);
  for (const set of driving.map((n) => impliedCustomers(ctx, n))) if (set) whereIn(base, set);
  // A count comparison that drives is decided by its set: asking it again would count each
  // candidate's rows once more (19.6k correlated counts for "clicked twice", 0.5 s at 1M).
  const decided = all.filter((n) => driving.includes(n) && isExactlyImplied(n));
  const conjuncts = decided.length < all.length ? all.filter((n) => !decided.includes(n)) : all;
  const ast = allOf(conjuncts, parsed.path);
  // PostgreSQL evaluates a probe at the lowest join its columns allow: below the semi- and
  // anti-joins, so for every customer the plain conditions leave. Those joins therefore run
  // first, in a subquery the planner keeps apart (`offset 0`), and the probes after, on what is
  // left (1M customers, 10 conditions: 236k probed candidates → 54k).
  const joined = conjuncts.filter((n) => isPlain(n) || existenceJoin(n));
  const probed = conjuncts.filter((n) => !isPlain(n) && !existenceJoin(n));
  if (probe && !walk && !options.customerIds && probesNeedFence(ctx.dialect) && probed.length && joined.some((n) => existenceJoin(n))) {
    const first = filter(base, allOf(joined, ast.path), ctx, { probe }).select('c.*').toSQL();
    const candidates = knex.from(knex.raw(`(${first.sql} offset 0) as c`, first.bindings as any[]));
    return filter(candidates, allOf(probed, ast.path), ctx, { probe, lateral: true, rollups });
  }
  const query = filter(base, ast, ctx, { probe, rollups, walk, groupedUnion });
  if (options.customerIds) query.whereIn('c.id', options.customerIds);
  return query;
};

/** `c.id in (<set>)`. */
export const whereIn = (query: Knex.QueryBuilder, set: Sql): Knex.QueryBuilder => query.whereRaw(`c.id in (${set.sql})`, set.bindings as any[]);

const baseQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder =>
  astQuery(knex, parseRuleOrThrow(rule, { limits: options.limits }), options);

/** matchQuery for an already parsed rule (strategy.ts compiles parts of rules). */
export const matchQueryOf = (knex: Knex, ast: RuleNode, options: CompileOptions): Knex.QueryBuilder =>
  astQuery(knex, ast, options).select('c.id as customer_id');

/**
 * `select c.id as customer_id from customers as c … where <rule>`: the customers the rule selects,
 * as one statement (use it as a subquery, stream it, or count it).
 * Throws RuleValidationError for an invalid rule (callers validate first and answer 400).
 */
export const matchQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder =>
  baseQuery(knex, rule, options).select('c.id as customer_id');

/** `select count(*) as count …` over the same predicate. */
export const countQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder => baseQuery(knex, rule, options).count({ count: '*' });

/** The first argument of every `op` in the rule (tolerant of invalid rules). */
const firstArguments = (rule: unknown, op: string): string[] => {
  const found = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, depth + 1));
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      if (name === op) {
        const first = Array.isArray(value) ? value[0] : value;
        if (typeof first === 'string') found.add(first);
      } else walk(value, depth + 1);
    }
  };
  walk(rule, 0);
  return [...found];
};

/** Keys named by in_segment anywhere in the rule (for cycle checks); tolerant of invalid rules. */
export const referencedSegmentKeys = (rule: unknown): string[] => firstArguments(rule, 'in_segment');

/** Tag slugs named by has_tag anywhere in the rule (for visibility checks); tolerant of invalid rules. */
export const referencedTagSlugs = (rule: unknown): string[] => firstArguments(rule, 'has_tag');

/** Field paths the rule reads (`{ var: 'score.clv' }`), e.g. to find the rules a value refresh affects. */
export const referencedFields = (rule: unknown): string[] => firstArguments(rule, 'var');
