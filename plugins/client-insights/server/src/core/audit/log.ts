import type { Knex } from 'knex';
import { bindDate, readDate } from '../db/dialect';
import { TABLES } from '../db/tables';
import type { Viewer } from '../http/viewer';
import { redactContacts } from '../security/field-crypto';
import { emitAudit } from './forward';

/** Who did it: an admin user, an API token (content-API caller) or the system (schedules, recovery). */
export type AuditActor = { type: 'admin'; id: number } | { type: 'api'; id: number | null } | { type: 'system' };

/** The actor of a request made by a viewer: the admin user, or the API token (its id when known). */
export const viewerActor = (viewer: Viewer, tokenId: number | null = null): AuditActor =>
  viewer.kind === 'admin' ? { type: 'admin', id: viewer.userId } : { type: 'api', id: tokenId };

export type AuditEntry = {
  actor: AuditActor;
  /** The route, e.g. `PUT /segments/:id`, or a system action's name. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** The HTTP status it was answered with. */
  status?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  /** What was asked for (a request's body and query) and, where known, the state before it. */
  details?: unknown;
};

/** Days an entry is kept by default (plugin config `audit.keepDays`). */
export const AUDIT_KEEP_DAYS = 90;

const clip = (text: string | null | undefined, max: number) => (text ? text.slice(0, max) : null);

/**
 * What an entry keeps of its details: JSON with every email and phone-like string replaced by a
 * keyed hash (a rule's literals, a search, a document before and after), so the log holds no
 * contact data in plaintext. A redaction next to an escape can leave text that is no longer JSON:
 * then it is kept as text.
 */
const storedDetails = (details: unknown): string | null => {
  if (details === undefined) return null;
  const text = redactContacts(JSON.stringify(details));
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify({ truncated: true, head: text });
  }
};

/**
 * Appends an entry. The application only ever inserts here: there is no route that updates or
 * deletes entries; the retention purge (`purgeAudit`) deletes those older than the kept days.
 */
export const recordAudit = async (knex: Knex, entry: AuditEntry, now = new Date()) => {
  const details = storedDetails(entry.details);
  await knex(TABLES.auditLog).insert({
    at: bindDate(knex, now),
    actor_type: entry.actor.type,
    actor_id: entry.actor.type === 'system' ? null : entry.actor.id,
    action: clip(entry.action, 160),
    target_type: clip(entry.targetType, 40),
    target_id: clip(entry.targetId, 64),
    status: entry.status ?? null,
    ip: clip(entry.ip, 64),
    user_agent: clip(entry.userAgent, 255),
    details,
  });
  emitAudit({ ...entry, details: details === null ? undefined : JSON.parse(details) });
};

/** Tries of one entry's insert (250 ms, then 1 s apart) before the failure is logged. */
const AUDIT_ATTEMPTS = 3;

/**
 * Records the entry of something that has already happened, never throwing: a busy database
 * (SQLite's single connection, a pool timeout) refuses a write now and then, so the insert is tried
 * again before it is given up, since an operation without its entry is a gap in the log. A failure
 * after the last try is logged as "could not record <what>".
 */
export const recordAuditOf = async (knex: Knex, entry: AuditEntry, what: string, log: { error(message: string): void }) => {
  for (let attempt = 1; ; attempt++) {
    try {
      await recordAudit(knex, entry);
      return;
    } catch (error) {
      if (attempt < AUDIT_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 250 * 4 ** (attempt - 1)));
        continue;
      }
      log.error(`[client-insights] audit: could not record ${what}: ${(error as Error).message}`);
      return;
    }
  }
};

/** Deletes entries older than `keepDays`; answers how many. */
export const purgeAudit = async (knex: Knex, keepDays: number, now = new Date()) =>
  Number(
    await knex(TABLES.auditLog)
      .where('at', '<', bindDate(knex, new Date(now.getTime() - keepDays * 86_400_000)))
      .delete()
  );

export type AuditRow = {
  id: number;
  at: string | null;
  actorType: string;
  actorId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  status: number | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
};

export const toAuditRow = (r: any): AuditRow => ({
  id: Number(r.id),
  at: readDate(r.at)?.toISOString() ?? null,
  actorType: r.actor_type,
  actorId: r.actor_id === null || r.actor_id === undefined ? null : Number(r.actor_id),
  action: r.action,
  targetType: r.target_type ?? null,
  targetId: r.target_id ?? null,
  status: r.status === null || r.status === undefined ? null : Number(r.status),
  ip: r.ip ?? null,
  userAgent: r.user_agent ?? null,
  details: r.details ? JSON.parse(String(r.details)) : null,
});
