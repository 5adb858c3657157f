/**
 * The operator table: one row per operator of the rule language with its JS meaning (registered
 * in json-logic-js by evaluate.ts) and its SQL meaning (used by compile.ts) side by side, so a
 * reader sees both at once and adding an operation is adding a row (docs/architecture.md).
 *
 * Null handling is shared, not repeated per row: a comparison row's `sql` is its meaning for a
 * non-null value, and the compiler asks the row's `js` what the answer is for a missing value
 * (null, or 0 for counts) to decide between `(x is null or …)` and `(x is not null and …)`.
 * That makes the SQL two-valued and exactly equal to the JS for every operator.
 * Custom operators give the rows they read (`from … where …` and the customer column); the
 * compiler groups them by customer and left-joins the result (see compile.ts).
 */
import type { Knex } from 'knex';
import { dateParam, numberParam, textContains, textEquals, textIn, type Dialect } from '../../core/db/dialect';
import { FALSE_SQL, joinSql, raw, sql, TRUE_SQL, type Sql } from '../../core/db/sql-fragment';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import type { CompareOp, Literal } from './ast';

export const DAY_MS = 86_400_000;

/** One customer's facts as the JS forms read them: datetimes as epoch ms, `$now` the instant. */
export type EvalData = {
  customer: Record<string, unknown>;
  metrics: Record<string, unknown>;
  score: Record<string, unknown>;
  $now: number;
  $tags: string[];
  $segments: string[];
  $events: Array<{ type: string; at: number }>;
  $orders: Array<{ amount: number; status: string; kind: string; at: number }>;
};

export type Value = string | number | null;

/**
 * What SQL forms need: the database, the instant, and (optionally) the ids of tag slugs read just
 * before compiling, so the planner sees which tag a has_tag reads (rules/strategy.ts).
 */
export type SqlContext = { knex: Knex; dialect: Dialect; now: Date; tagIds?: Record<string, number[]> };
export type ParamContext = SqlContext & { text: boolean; integer: boolean; datetime: boolean };

/** Binds a literal with the operand's type (numbers typed for PostgreSQL, datetimes as stored). */
export const param = (p: ParamContext, literal: Literal): Sql => {
  if (typeof literal === 'number' && p.datetime) return dateParam(p.knex, new Date(literal));
  if (typeof literal === 'number') return numberParam(p.dialect, literal, p.integer);
  return sql`${literal}`;
};

/** "Last N days": at > now - N·24h; all time when days is null (even for a missing date, as in SQL). */
const inWindow = (at: number, now: number, days: number | null) => days === null || at > now - days * DAY_MS;

// ---- Logic -------------------------------------------------------------------------------------

type LogicRow = { js: (...args: boolean[]) => boolean; sql: (parts: Sql[]) => Sql };

export const LOGIC: Record<'and' | 'or' | '!', LogicRow> = {
  // json-logic-js runs and/or itself (short-circuiting); on the booleans our rules yield it is this.
  and: { js: (...args) => args.every((a) => a === true), sql: (parts) => sql`(${joinSql(parts, ' and ')})` },
  or: { js: (...args) => args.some((a) => a === true), sql: (parts) => sql`(${joinSql(parts, ' or ')})` },
  // Exact negation: every operand SQL is two-valued (never NULL), so NOT cannot meet SQL's unknown.
  '!': { js: (a) => a !== true, sql: ([part]) => sql`(not (${part}))` },
};

// ---- Comparisons -------------------------------------------------------------------------------

type CompareRow = {
  /** Meaning for any value, null included (null: ordering, between and in are false). */
  js: (value: Value, ...literals: any[]) => boolean;
  /** Meaning in SQL for a non-null `value` expression. */
  sql: (value: Sql, literals: Literal[], p: ParamContext) => Sql;
};

const ordering = (sqlOp: string, test: (v: number, n: number) => boolean): CompareRow => ({
  js: (v, n) => typeof v === 'number' && test(v, n),
  sql: (v, [n], p) => sql`${v} ${raw(sqlOp)} ${param(p, n)}`,
});

export const COMPARE: Record<CompareOp, CompareRow> = {
  // Null-safe and type-strict (json-logic-js's own == coerces): null == null, null != "x".
  '==': {
    js: (v, lit) => v === lit,
    sql: (v, [lit], p) => {
      if (lit === null) return FALSE_SQL; // a non-null value never equals null
      return p.text ? textEquals(p.dialect, v, lit as string) : sql`${v} = ${param(p, lit)}`;
    },
  },
  '!=': {
    js: (v, lit) => v !== lit,
    sql: (v, lits, p) => sql`(not (${COMPARE['=='].sql(v, lits, p)}))`,
  },
  '>': ordering('>', (v, n) => v > n),
  '>=': ordering('>=', (v, n) => v >= n),
  '<': ordering('<', (v, n) => v < n),
  '<=': ordering('<=', (v, n) => v <= n),
  between: {
    js: (v, low, high) => typeof v === 'number' && low <= v && v <= high,
    sql: (v, [low, high], p) => sql`(${v} >= ${param(p, low)} and ${v} <= ${param(p, high)})`,
  },
  between_exclusive: {
    js: (v, low, high) => typeof v === 'number' && low < v && v < high,
    sql: (v, [low, high], p) => sql`(${v} > ${param(p, low)} and ${v} < ${param(p, high)})`,
  },
  in: {
    js: (v, ...list: Value[]) => v !== null && list.includes(v),
    sql: (v, list, p) =>
      p.text
        ? textIn(p.dialect, v, list as string[])
        : sql`${v} in (${joinSql(
            list.map((x) => param(p, x)),
            ', '
          )})`,
  },
  // Case-sensitive, like json-logic-js's string "in".
  contains: {
    js: (v, text: string) => typeof v === 'string' && v.includes(text),
    sql: (v, [text], p) => textContains(p.dialect, v, text as string),
  },
};

// ---- Membership (boolean custom operators) -----------------------------------------------------

type MembershipRow = {
  js: (data: EvalData, name: string) => boolean;
  /** `from … where …` of the rows naming the customers for whom it holds (column `customer`). */
  sql: (ctx: SqlContext, name: string) => { from: Sql; customer: Sql };
};

/** Unexpired at `now`: an assignment `ct` without an end, or ending later. */
const unexpired = (knex: Knex, now: Date): Sql => sql`(ct.expires_at is null or ct.expires_at > ${dateParam(knex, now)})`;

/**
 * The unexpired assignments `ct` of any of the tags `ids` (`from … where …`): their slice of the
 * (tag_id, expires_at, customer_id) index. A tag counts while unexpired: expires_at null or after
 * now (facts hold only such tags). The rules' has_tag and the preview's risk tags read it.
 */
export const heldTagRows = (knex: Knex, now: Date, ids: number[]): Sql => {
  const among = ids.length
    ? sql`ct.tag_id in (${joinSql(
        ids.map((id) => sql`${id}`),
        ', '
      )})`
    : FALSE_SQL;
  return sql`${raw(TABLES.customerTags)} ct where ${among} and ${unexpired(knex, now)}`;
};

/**
 * The rows of the customers holding any of `slugs` (one slug for has_tag, several for an `or` of
 * has_tag conditions, compile.ts anyTagSlugs): one read of the tag index for all of them
 * (heldTagRows).
 */
export const tagRows = (ctx: SqlContext, slugs: string[]): { from: Sql; customer: Sql } => {
  const customer = raw('ct.customer_id');
  const known = slugs.every((slug) => ctx.tagIds?.[slug]) ? slugs.flatMap((slug) => ctx.tagIds?.[slug] ?? []) : null;
  if (known) return { from: heldTagRows(ctx.knex, ctx.now, known), customer };
  const named = joinSql(
    slugs.map((slug) => textEquals(ctx.dialect, raw('t.slug'), slug)),
    ' or '
  );
  const ids = (agg: string) => sql`(select ${raw(agg)}(t.id) from ${raw(H.tags)} t where ${named})`;
  // The id range (computed once, before the scan) lets every database read only these tags'
  // slice of the (tag_id, expires_at, customer_id) index; a join to tags on the slug made
  // PostgreSQL hash the whole assignment table. `in` keeps the meaning exact for any slug.
  return {
    from: sql`${raw(TABLES.customerTags)} ct where ct.tag_id between ${ids('min')} and ${ids('max')} and ct.tag_id in (select t.id from ${raw(H.tags)} t where ${named}) and ${unexpired(ctx.knex, ctx.now)}`,
    customer,
  };
};

export const MEMBERSHIP: Record<'has_tag' | 'in_segment', MembershipRow> = {
  has_tag: {
    js: (data, slug) => data.$tags.includes(slug),
    sql: (ctx, slug) => tagRows(ctx, [slug]),
  },
  // Current membership only: the run named in ci_segment_current.
  in_segment: {
    js: (data, key) => data.$segments.includes(key),
    sql: (ctx, key) => ({
      from: sql`${raw(H.segments)} sg join ${raw(TABLES.segmentCurrent)} cur on cur.segment_id = sg.id join ${raw(TABLES.segmentMembers)} sm on sm.segment_id = cur.segment_id and sm.run_id = cur.run_id where ${textEquals(
        ctx.dialect,
        raw('sg.key'),
        key
      )}`,
      customer: raw('sm.customer_id'),
    }),
  },
};

// ---- Aggregates (number-valued custom operators over orders and interactions) ------------------

type AggregateRow = {
  js: (data: EvalData, ...args: any[]) => number;
  /** `from … where …` of the rows to aggregate, grouped by `customer`, and the aggregate itself. */
  sql: (ctx: SqlContext, args: any[]) => { from: Sql; customer: Sql; value: Sql };
};

const windowSql = (ctx: SqlContext, column: string, days: number | null): Sql =>
  days === null ? TRUE_SQL : sql`${raw(column)} > ${dateParam(ctx.knex, new Date(ctx.now.getTime() - days * DAY_MS))}`;

// Orders and events are read from the customers' activity copies (metrics/activity.ts), which
// carry the customer id: a window is one index range scan, with no join through the link tables.
const paidOrders = (ctx: SqlContext, days: number | null): Sql =>
  sql`${raw(TABLES.customerOrders)} o where ${textEquals(ctx.dialect, raw('o.status'), 'paid')} and ${windowSql(ctx, 'o.ordered_at', days)}`;

/** Money sums are compared at cents, so float addition (SQLite, JS) and exact decimals agree. */
const roundCents = (n: number) => Math.round(n * 100) / 100;

export const AGGREGATE: Record<'event_count' | 'order_count' | 'order_total', AggregateRow> = {
  // Interactions of one type with occurred_at > now - days (all time when days is null).
  event_count: {
    js: (data, type: string, days: number | null) => data.$events.filter((e) => e.type === type && inWindow(e.at, data.$now, days)).length,
    sql: (ctx, [type, days]) => ({
      from: sql`${raw(TABLES.customerEvents)} e where ${textEquals(ctx.dialect, raw('e.type'), type)} and ${windowSql(ctx, 'e.occurred_at', days)}`,
      customer: raw('e.customer_id'),
      value: raw('count(*)'),
    }),
  },
  // Paid orders with ordered_at > now - days.
  order_count: {
    js: (data, days: number | null) => data.$orders.filter((o) => o.status === 'paid' && inWindow(o.at, data.$now, days)).length,
    sql: (ctx, [days]) => ({ from: paidOrders(ctx, days), customer: raw('o.customer_id'), value: raw('count(*)') }),
  },
  // Sum of paid order amounts with ordered_at > now - days.
  order_total: {
    js: (data, days: number | null) =>
      roundCents(data.$orders.reduce((sum, o) => (o.status === 'paid' && inWindow(o.at, data.$now, days) ? sum + (o.amount ?? 0) : sum), 0)),
    sql: (ctx, [days]) => ({ from: paidOrders(ctx, days), customer: raw('o.customer_id'), value: raw('round(coalesce(sum(o.amount), 0), 2)') }),
  },
};

// ---- days_since --------------------------------------------------------------------------------

/**
 * The integers k for which `k OP literals` holds, as a union of closed intervals (±Infinity open).
 * days_since is a whole number, so any comparison with it is such a set.
 */
export const integerIntervals = (op: CompareOp, lits: Literal[]): Array<[number, number]> => {
  const [a, b] = lits as number[];
  const all: [number, number] = [-Infinity, Infinity];
  switch (op) {
    case '==':
      return a !== null && Number.isInteger(a) ? [[a, a]] : [];
    case '!=':
      return a !== null && Number.isInteger(a)
        ? [
            [-Infinity, a - 1],
            [a + 1, Infinity],
          ]
        : [all];
    case '>':
      return [[Math.floor(a) + 1, Infinity]];
    case '>=':
      return [[Math.ceil(a), Infinity]];
    case '<':
      return [[-Infinity, Math.ceil(a) - 1]];
    case '<=':
      return [[-Infinity, Math.floor(a)]];
    case 'between':
      return Math.ceil(a) <= Math.floor(b) ? [[Math.ceil(a), Math.floor(b)]] : [];
    case 'between_exclusive':
      return Math.floor(a) + 1 <= Math.ceil(b) - 1 ? [[Math.floor(a) + 1, Math.ceil(b) - 1]] : [];
    default:
      throw new Error(`days_since cannot be used with ${op}`);
  }
};

export const DAYS_SINCE = {
  /** floor((now - t) / 24 h); null when t is null. */
  js: (t: number | null, now: number): number | null => (typeof t === 'number' ? Math.floor((now - t) / DAY_MS) : null),
  /**
   * `days_since(t) OP literals` for a non-null t, as ranges on t itself (exact, and the column's
   * index stays usable): days >= k ⇔ t <= now - k·24h, days <= k ⇔ t > now - (k+1)·24h.
   */
  sql: (ctx: SqlContext, t: Sql, op: CompareOp, lits: Literal[]): Sql => {
    const at = (days: number) => dateParam(ctx.knex, new Date(ctx.now.getTime() - days * DAY_MS));
    const parts = integerIntervals(op, lits).map(([lo, hi]) => {
      const bounds: Sql[] = [];
      if (lo !== -Infinity) bounds.push(sql`${t} <= ${at(lo)}`);
      if (hi !== Infinity) bounds.push(sql`${t} > ${at(hi + 1)}`);
      return bounds.length ? sql`(${joinSql(bounds, ' and ')})` : TRUE_SQL;
    });
    return parts.length ? sql`(${joinSql(parts, ' or ')})` : FALSE_SQL;
  },
};

/** Every operator id of the language, for the completeness check against the catalogue. */
export const OPERATOR_IDS = [...Object.keys(LOGIC), ...Object.keys(COMPARE), '===', '!==', ...Object.keys(MEMBERSHIP), ...Object.keys(AGGREGATE), 'days_since'];
