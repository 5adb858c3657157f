import type { Knex } from 'knex';
import { raw, sql, type Sql } from '../sql-fragment';
import { dialectOf, type Dialect } from './client';

/** A bound number. PostgreSQL infers an untyped parameter's type from the column (an integer
 * column would refuse 2.5), so it gets an explicit type; the others take it as is. */
export const numberParam = (dialect: Dialect, value: number, integer: boolean): Sql =>
  dialect === 'postgres' ? sql`cast(${value} as ${raw(integer ? 'bigint' : 'numeric')})` : sql`${value}`;

/**
 * A whole number as the dialect's integer type. PostgreSQL sums bigints as numeric, whose
 * arithmetic is several times slower than integer arithmetic in expressions over every customer.
 */
export const castInteger = (knex: Knex, expr: Sql): Sql => (dialectOf(knex) === 'mysql' ? sql`cast(${expr} as signed)` : sql`cast(${expr} as integer)`);

/** Money (two decimals) in whole cents, as a 64-bit integer: exact on every database. */
export const moneyCents = (dialect: Dialect, expr: Sql): Sql =>
  sql`cast(round(${expr} * 100) as ${raw(dialect === 'mysql' ? 'signed' : dialect === 'postgres' ? 'bigint' : 'integer')})`;

/** `a / b` for integers where b divides a (MySQL's `/` answers a decimal). */
export const exactIntegerDivide = (dialect: Dialect, a: Sql, b: Sql): Sql => (dialect === 'mysql' ? sql`(${a} div ${b})` : sql`(${a} / ${b})`);
