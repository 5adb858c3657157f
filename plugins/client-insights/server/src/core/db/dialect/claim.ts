import type { Knex } from 'knex';
import { dialectOf } from './client';

/**
 * Makes a SELECT a claim that concurrent claimers pass by: `FOR UPDATE SKIP LOCKED` on PostgreSQL
 * and MariaDB/MySQL (a row another transaction is claiming is skipped, not waited for, so several
 * nodes drain one queue without blocking each other). SQLite has one writer at a time and no row
 * locks: the statement is left as it is (one worker per database there).
 */
export const skipLockedClaim = <T extends Knex.QueryBuilder>(knex: Knex, query: T): T =>
  dialectOf(knex) === 'sqlite' ? query : (query.forUpdate().skipLocked() as T);

/**
 * The claim's transaction options: on MariaDB/MySQL READ COMMITTED, where InnoDB unlocks a
 * scanned row that does not match at once (REPEATABLE READ keeps every scanned row locked to the
 * end, and a concurrent claimer would skip rows it could take). PostgreSQL reads committed
 * already; SQLite has no isolation levels.
 */
export const claimTransaction = (knex: Knex): Knex.TransactionConfig | undefined =>
  dialectOf(knex) === 'mysql' ? { isolationLevel: 'read committed' } : undefined;
