import type { Knex } from 'knex';
import { recordAuditOf, type AuditEntry } from './log';

/**
 * A job the system ran on its own (a schedule, a value refresh's re-runs) goes to the audit log
 * with the system as its actor. A failure to record is retried, then logged: the job's work is
 * already done.
 */
export const recordSystemJob = (knex: Knex, entry: Omit<AuditEntry, 'actor' | 'ip' | 'userAgent'>, log: { error(message: string): void }) =>
  recordAuditOf(knex, { ...entry, actor: { type: 'system' } }, `the system job ${entry.action}`, log);
