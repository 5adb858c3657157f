import type { Knex } from 'knex';
import { dialectOf } from './client';

/**
 * Bounds every later statement of transaction `trx` to `ms` (PostgreSQL `SET LOCAL statement_timeout`,
 * gone with the transaction). Elsewhere callers check their deadline between statements.
 */
export const setStatementTimeout = async (trx: Knex.Transaction, ms: number): Promise<void> => {
  if (dialectOf(trx) === 'postgres') await trx.raw(`set local statement_timeout = ${Math.max(1, Math.ceil(ms))}`);
};

/** The MySQL-family variable that bounds a statement: MariaDB's `max_statement_time` (seconds), MySQL's `max_execution_time` (ms, SELECTs). */
const mysqlTimeout = new WeakMap<object, Promise<{ name: string; value: (ms: number) => number }>>();
const mysqlTimeoutOf = (trx: Knex) => {
  const pool = (trx as any).client;
  if (!mysqlTimeout.has(pool)) {
    mysqlTimeout.set(
      pool,
      trx.raw('select version() as v').then((result: any) => {
        const version = String((Array.isArray(result) ? result[0]?.[0]?.v : result?.rows?.[0]?.v) ?? '');
        return /mariadb/i.test(version)
          ? { name: 'max_statement_time', value: (ms: number) => Math.max(0.001, ms / 1000) }
          : { name: 'max_execution_time', value: (ms: number) => Math.max(1, Math.ceil(ms)) };
      })
    );
  }
  return mysqlTimeout.get(pool)!;
};

/** Thrown where the database has no statement timeout of its own and the deadline passed first. */
export class StatementTimeoutError extends Error {
  constructor(ms: number) {
    super(`statement timeout after ${ms} ms`);
    this.name = 'StatementTimeoutError';
  }
}

/**
 * Runs `fn` (statements on `trx`) with each statement bounded to `ms` by the database itself, so
 * the work stops there and not only in this process: PostgreSQL `SET LOCAL statement_timeout`,
 * MariaDB `max_statement_time` / MySQL `max_execution_time` for the session (reset after).
 * SQLite's driver runs a statement synchronously and has no interrupt from Node; there the
 * answer is refused once it arrives late (the statement itself is not cut short).
 * A timed-out statement throws an error `isStatementTimeout` recognises.
 */
export const withStatementTimeout = async <T>(trx: Knex.Transaction, ms: number, fn: () => Promise<T>): Promise<T> => {
  const dialect = dialectOf(trx);
  if (dialect === 'postgres') {
    await setStatementTimeout(trx, ms);
    return fn();
  }
  if (dialect === 'mysql') {
    const variable = await mysqlTimeoutOf(trx);
    await trx.raw(`set session ${variable.name} = ${variable.value(ms)}`);
    try {
      return await fn();
    } finally {
      await trx.raw(`set session ${variable.name} = default`).catch(() => undefined);
    }
  }
  const started = Date.now();
  const result = await fn();
  if (Date.now() - started > ms) throw new StatementTimeoutError(ms);
  return result;
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
