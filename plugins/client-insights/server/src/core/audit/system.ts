import type { Knex } from 'knex';
import { recordAudit, type AuditEntry } from './log';

/**
 * A job the system ran on its own (a schedule, a value refresh's re-runs) goes to the audit log
 * with the system as its actor. A failure to record is logged: the job's work is already done.
 */
export const recordSystemJob = async (knex: Knex, entry: Omit<AuditEntry, 'actor' | 'ip' | 'userAgent'>, log: { error(message: string): void }) => {
  try {
    await recordAudit(knex, { ...entry, actor: { type: 'system' } });
  } catch (error) {
    log.error(`[client-insights] audit: could not record the system job ${entry.action}: ${(error as Error).message}`);
  }
};
