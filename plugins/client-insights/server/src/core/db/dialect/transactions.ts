import type { Knex } from 'knex';
import { dialectOf } from './client';

/**
 * Bounds every later statement of transaction `trx` to `ms` (PostgreSQL `SET LOCAL statement_timeout`,
 * gone with the transaction). Elsewhere callers check their deadline between statements.
 */
export const setStatementTimeout = async (trx: Knex.Transaction, ms: number): Promise<void> => {
  if (dialectOf(trx) === 'postgres') await trx.raw(`set local statement_timeout = ${Math.max(1, Math.ceil(ms))}`);
};

/**
 * Transaction options for bulk `insert ... select` that must not lock the rows it reads: InnoDB's
 * default REPEATABLE READ takes shared locks on the source rows and deadlocks concurrent writers.
 * PostgreSQL reads without locks already; SQLite has no isolation levels.
 */
export const nonLockingReads = (knex: Knex): Knex.TransactionConfig | undefined =>
  dialectOf(knex) === 'mysql' ? { isolationLevel: 'read committed' } : undefined;

/**
 * Runs schema changes atomically where the database can (PostgreSQL, SQLite); MySQL commits
 * every DDL statement implicitly, so there the steps simply run in order.
 */
export const ddlTransaction = async <T>(knex: Knex, fn: (trx: Knex) => Promise<T>): Promise<T> =>
  dialectOf(knex) === 'mysql' ? fn(knex) : knex.transaction((trx) => fn(trx));

/**
 * Where to write something that must not wait for the open transaction `trx` (a run's progress):
 * another pooled connection, except on SQLite, whose one connection `trx` holds, so `trx` itself.
 */
export const besideTransaction = (knex: Knex, trx: Knex.Transaction): Knex => (dialectOf(knex) === 'sqlite' ? trx : knex);
