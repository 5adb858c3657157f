import type { Core } from '@strapi/strapi';
import type { AuditEntry } from './log';

/** The event every plugin audit entry is also emitted as, on Strapi's event hub. */
export const AUDIT_EVENT = 'client-insights.audit';

/**
 * Strapi Enterprise keeps its own audit log (Settings → Audit logs) of the events registered with
 * its `audit-logs-lifecycle` service. Where that service exists, the plugin's entries are
 * registered there too, shaped as it expects ({ resource, details, outcome }); Enterprise then
 * stores those made by an admin user (its own rule: it drops events without one). Without
 * Enterprise the emit reaches no one, and the plugin's own log (ci_audit_log) is the record.
 */
export const forwardAuditToStrapi = (strapi: Core.Strapi) => {
  // Strapi is its own service container; the lifecycle service is registered by Enterprise only.
  if (!(strapi as any).has?.('audit-logs-lifecycle')) return false;
  const lifecycle = strapi.get('audit-logs-lifecycle') as { registerEvent?: (name: string, transform: (entry: AuditEntry) => unknown) => void };
  lifecycle.registerEvent?.(AUDIT_EVENT, (entry: AuditEntry) => ({
    resource: { type: entry.targetType ?? 'client-insights', id: entry.targetId ?? null },
    details: { action: entry.action, status: entry.status ?? null, ...(entry.details && typeof entry.details === 'object' ? { request: entry.details } : {}) },
    outcome: entry.status === undefined || entry.status === null || entry.status < 400 ? 'success' : 'failure',
  }));
  return true;
};

/** Emits an entry that was just recorded (fire and forget: Strapi's subscribers log their own failures). */
export const emitAudit = (entry: AuditEntry) => {
  const strapi = (globalThis as any).strapi as Core.Strapi | undefined;
  void strapi?.eventHub?.emit(AUDIT_EVENT, entry);
};
