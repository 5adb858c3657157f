import type { Knex } from 'knex';
import { raw, sql, type Sql } from '../sql-fragment';
import { dialectOf } from './client';

/** Binds a datetime as the column stores it: SQLite keeps Strapi datetimes as epoch milliseconds. */
export const bindDate = (knex: Knex, date: Date): Date | number => (dialectOf(knex) === 'sqlite' ? date.getTime() : date);

/** Reads a stored datetime back (epoch ms on SQLite, Date or UTC string elsewhere); null stays null. */
export const readDate = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  // PostgreSQL / MySQL strings without a zone are UTC (processes run with TZ=UTC).
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
};

/** A bound datetime, stored as the column stores it (see bindDate). */
export const dateParam = (knex: Knex, value: Date): Sql => sql`${bindDate(knex, value)}`;

/** Whole days from datetime `expr` to instant `now`, floored, for `expr <= now` (SQLite: integer ms division). */
export const daysSince = (knex: Knex, expr: Sql, now: Date): Sql => {
  const dialect = dialectOf(knex);
  // Bound numbers may arrive as REAL: divide as floats, then truncate (= floor, the difference is ≥ 0).
  if (dialect === 'sqlite') return sql`cast((${now.getTime()} - ${expr}) / 86400000.0 as integer)`;
  if (dialect === 'postgres') return sql`floor(extract(epoch from (cast(${now} as timestamp) - ${expr})) / 86400)`;
  return sql`floor(timestampdiff(second, ${expr}, ${now}) / 86400)`;
};

/** Fractional days from datetime `from` to datetime `to` (either may be a bound instant via dateParam). */
export const elapsedDays = (knex: Knex, from: Sql, to: Sql): Sql => {
  const dialect = dialectOf(knex);
  if (dialect === 'sqlite') return sql`((${to} - ${from}) / 86400000.0)`;
  if (dialect === 'postgres') return sql`(extract(epoch from (cast(${to} as timestamp) - cast(${from} as timestamp))) / 86400.0)`;
  return sql`(timestampdiff(microsecond, ${from}, ${to}) / 86400000000.0)`;
};

/**
 * The index of the bucket holding datetime `expr`, buckets [starts[i], starts[i + 1]) with the last
 * ending at `end`: −1 before the first, starts.length from `end` on (null: −1). A balanced tree of
 * CASE comparisons (log₂ of the buckets per row), so it is the same portable SQL on every database
 * and a grouping key instead of a range join; the zone's local midnights are computed in Node
 * (reports/periods.ts), so no database needs time-zone support (SQLite has none, MariaDB only
 * with its zone tables loaded). `closedEnd`: the bucket of the last instant before `expr` (an
 * exclusive end: an exit at a bucket's first instant leaves the bucket before).
 */
export const bucketIndex = (knex: Knex, expr: Sql, starts: Date[], end: Date, closedEnd = false): Sql => {
  const bounds = [...starts, end].map((d) => bindDate(knex, d));
  const op = raw(closedEnd ? '>' : '>=');
  // count = how many bounds are ≤ expr (< for closedEnd); the answer is count − 1.
  const tree = (lo: number, hi: number): Sql => {
    if (lo === hi) return raw(String(lo - 1));
    const mid = (lo + hi + 1) >> 1;
    return sql`case when ${expr} ${op} ${bounds[mid - 1]} then ${tree(mid, hi)} else ${tree(lo, mid - 1)} end`;
  };
  return tree(0, bounds.length);
};
