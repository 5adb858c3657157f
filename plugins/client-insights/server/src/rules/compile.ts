/**
 * Rule → one SQL statement over `customers as c` (SQLite, PostgreSQL, MySQL/MariaDB).
 * Every value is a bound parameter; every identifier comes from the catalogue or the constants
 * below. The meaning of each operator is in operators.ts; this file only assembles it.
 */
import type { Knex } from 'knex';
import { dialectOf } from '../db/dialect';
import { raw, sql, type Sql } from '../db/sql-fragment';
import { operandIsInteger, operandMissingValue, operandType, type CompareOp, type Operand, type RuleNode } from './ast';
import { FIELDS } from './catalogue';
import { AGGREGATE, COMPARE, DAYS_SINCE, LOGIC, MEMBERSHIP, type ParamContext, type SqlContext } from './operators';
import type { RuleLimits } from './types';
import { parseRuleOrThrow } from './validate';

export type CompileOptions = {
  /** The instant the whole preview or run uses (RULES.md "Now"). */
  now: Date;
  /** Restrict to these customers (e.g. deciding for a page of ids). */
  customerIds?: number[];
  limits?: Partial<RuleLimits>;
};

type Join = 'metrics' | 'scores';

/** Column of each catalogue field: c = customers, m = ci_customer_metrics, s = ci_customer_scores. */
const FIELD_SQL: Record<string, { column: string; join?: Join }> = Object.fromEntries(
  FIELDS.map((f) => {
    const name = f.path.slice(f.path.indexOf('.') + 1);
    if (f.path === 'customer.owner') {
      // manyToOne through Strapi's link table; min() keeps it one value even with stray duplicates.
      return [f.path, { column: '(select min(ow.user_id) from customers_owner_lnk ow where ow.customer_id = c.id)' }];
    }
    if (f.group === 'metrics') return [f.path, { column: `m.${name}`, join: 'metrics' as Join }];
    if (f.group === 'score') return [f.path, { column: `s.${name}`, join: 'scores' as Join }];
    return [f.path, { column: `c.${name}` }];
  })
);

/**
 * Custom operators are correlated to the customer row (`… and <customer> = c.id`): `exists (…)`
 * for tags, segments and "has at least one / none" counts, a scalar `(select count(*) …)` for
 * other comparisons. Each is an index lookup through the link table's (customer_id, …) index, so
 * the cost grows with the customers left after the cheaper conditions, under any and/or/not; at
 * the top level of an AND, PostgreSQL turns `exists` into a (hash) semi/anti join. Grouped
 * subqueries left-joined per operator made the planner's row estimates collapse to 1 and pick
 * nested loops that re-aggregated a whole table per customer; an uncorrelated `IN (subquery)`
 * under OR/NOT rescans its set per row once it outgrows work_mem.
 */
const correlated = (from: Sql, customer: Sql): Sql => sql`${from} and ${customer} = c.id`;

class Compiler {
  joins = new Set<Join>();

  constructor(private ctx: SqlContext) {}

  node(node: RuleNode): Sql {
    switch (node.kind) {
      case 'and':
      case 'or':
        return LOGIC[node.kind].sql(node.args.map((a) => this.node(a)));
      case 'not':
        return LOGIC['!'].sql([this.node(node.arg)]);
      case 'has_tag':
      case 'in_segment': {
        const { from, customer } = MEMBERSHIP[node.kind].sql(this.ctx, node.kind === 'has_tag' ? node.slug : node.key);
        return sql`exists (select 1 from ${correlated(from, customer)})`;
      }
      case 'compare':
        return this.compare(node);
    }
  }

  /** The SQL value of an operand: a column (NULL when missing), or a correlated aggregate (0 when none). */
  private value(operand: Operand): Sql {
    if (operand.kind === 'field' || operand.kind === 'days_since') {
      const { column, join } = FIELD_SQL[operand.field.path];
      if (join) this.joins.add(join);
      return raw(column);
    }
    const { from, customer, value } = this.aggregate(operand);
    return sql`(select ${value} from ${correlated(from, customer)})`;
  }

  private aggregate(operand: Extract<Operand, { kind: 'event_count' | 'order_count' | 'order_total' }>) {
    const args = operand.kind === 'event_count' ? [operand.eventType, operand.days] : [operand.days];
    return AGGREGATE[operand.kind].sql(this.ctx, args);
  }

  private compare(node: Extract<RuleNode, { kind: 'compare' }>): Sql {
    const { op, operand, literals } = node;
    const row = COMPARE[op];
    if (operand.kind === 'event_count' || operand.kind === 'order_count') {
      // A count compared so that only "none" vs "some" matters is an existence test.
      const test = existence(op, (k) => row.js(k, ...literals));
      if (test) {
        const { from, customer } = this.aggregate(operand);
        const exists = sql`exists (select 1 from ${correlated(from, customer)})`;
        return test === 'some' ? exists : sql`(not ${exists})`;
      }
    }
    const p: ParamContext = {
      ...this.ctx,
      text: ['string', 'enum'].includes(operandType(operand)),
      integer: operandIsInteger(operand),
      datetime: operand.kind === 'field' && operand.field.type === 'datetime',
    };
    const value = this.value(operand);
    const present = operand.kind === 'days_since' ? DAYS_SINCE.sql(this.ctx, value, op, literals) : row.sql(value, literals, p);
    // What the rule says when the value is missing (no row, or a null column): the row's own JS
    // decides, so `!(x > 5)` is true for a null x and `count < 2` is true without rows.
    const whenMissing = row.js(operandMissingValue(operand), ...literals);
    return whenMissing ? sql`(${value} is null or ${present})` : sql`(${value} is not null and ${present})`;
  }
}

/**
 * 'some' when `test(count)` holds exactly for the counts >= 1, 'none' when exactly for 0, else
 * null. Exact for the comparisons whose true set is an interval (ordering, between, == and !=,
 * the latter two single points or their complement): probing 0, 1 and beyond decides them.
 * An `in` list can have holes, so it keeps the counted form.
 */
const existence = (op: CompareOp, test: (k: number) => boolean): 'some' | 'none' | null => {
  if (op === 'in') return null;
  const zero = test(0);
  return [1, 2, 3, Number.MAX_SAFE_INTEGER].every((k) => test(k) === !zero) ? (zero ? 'none' : 'some') : null;
};

const baseQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder => {
  const ast = parseRuleOrThrow(rule, { limits: options.limits });
  const compiler = new Compiler({ knex, dialect: dialectOf(knex), now: options.now });
  const predicate = compiler.node(ast);
  const query = knex.from('customers as c');
  if (compiler.joins.has('metrics')) query.leftJoin('ci_customer_metrics as m', 'm.customer_id', 'c.id');
  if (compiler.joins.has('scores')) query.leftJoin('ci_customer_scores as s', 's.customer_id', 'c.id');
  query.whereRaw(predicate.sql, predicate.bindings as any[]);
  if (options.customerIds) query.whereIn('c.id', options.customerIds);
  return query;
};

/**
 * `select c.id as customer_id from customers as c … where <rule>`: the customers the rule selects,
 * as one statement (use it as a subquery, stream it, or count it).
 * Throws RuleValidationError for an invalid rule (callers validate first and answer 400).
 */
export const matchQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder =>
  baseQuery(knex, rule, options).select('c.id as customer_id');

/** `select count(*) as count …` over the same predicate. */
export const countQuery = (knex: Knex, rule: unknown, options: CompileOptions): Knex.QueryBuilder =>
  baseQuery(knex, rule, options).count({ count: '*' });

/** Keys named by in_segment anywhere in the rule (for cycle checks); tolerant of invalid rules. */
export const referencedSegmentKeys = (rule: unknown): string[] => {
  const keys = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, depth + 1));
    for (const [op, value] of Object.entries(node as Record<string, unknown>)) {
      if (op === 'in_segment') {
        const key = Array.isArray(value) ? value[0] : value;
        if (typeof key === 'string') keys.add(key);
      } else walk(value, depth + 1);
    }
  };
  walk(rule, 0);
  return [...keys];
};
