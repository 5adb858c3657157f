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

/** UTC wall time as text, the form the zone-less datetime columns hold (whatever the process's zone). */
const utcText = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Numbered stretches of time as the body of a CTE `p(idx, s, e)`: `values (0, s₀, e₀), …`, each
 * instant bound as the datetime columns store it and typed so it compares with them (PostgreSQL
 * types bound values in VALUES as text). Reports bucket by local day, week or month this way: the
 * zone's midnights are computed in Node, so every database buckets alike, with or without time-zone
 * tables (MariaDB) or zone support at all (SQLite).
 */
export const periodRows = (knex: Knex, rows: Array<{ start: Date; end: Date }>): Sql => {
  const dialect = dialectOf(knex);
  const at = (d: Date): Sql =>
    dialect === 'sqlite' ? sql`${d.getTime()}` : sql`cast(${utcText(d)} as ${raw(dialect === 'postgres' ? 'timestamp' : 'datetime(6)')})`;
  const parts = rows.map((r, i) => sql`(${raw(String(i))}, ${at(r.start)}, ${at(r.end)})`);
  return { sql: `values ${parts.map((p) => p.sql).join(', ')}`, bindings: parts.flatMap((p) => p.bindings) };
};
