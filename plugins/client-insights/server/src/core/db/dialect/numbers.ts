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
export const castInteger = (knex: Knex, expr: Sql): Sql =>
  dialectOf(knex) === 'mysql' ? sql`cast(${expr} as signed)` : sql`cast(${expr} as integer)`;
