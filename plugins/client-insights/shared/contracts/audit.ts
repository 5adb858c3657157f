import { z } from 'zod';
import { CSV, dateTime, endpoint, isoDate, MAX_ID, pageOf, pageQuery } from './http';

/** The audit log: who did what, when, from where. Read-only through the API; kept 90 days by default. */

const ACTOR_TYPES = ['admin', 'api', 'system'] as const;

const auditFilterFields = {
  actorType: z.enum(ACTOR_TYPES).optional(),
  actorId: z.coerce.number().int().min(1).max(MAX_ID).optional(),
  /** Part of the action, e.g. `segments` or `DELETE`. */
  action: z.string().trim().min(1).max(160).optional(),
  targetType: z.string().trim().min(1).max(40).optional(),
  targetId: z.string().trim().min(1).max(64).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
};

export const auditListQuerySchema = z.object({ ...auditFilterFields, ...pageQuery(200, 50) }).strict();
export const auditExportQuerySchema = z.object(auditFilterFields).strict();

export const auditEntrySchema = z.object({
  id: z.number(),
  at: isoDate.nullable(),
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.number().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  status: z.number().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.unknown(),
});

export const auditApi = {
  list: endpoint({ method: 'GET', path: '/audit', query: auditListQuerySchema, response: pageOf(auditEntrySchema) }),
  export: endpoint({ method: 'GET', path: '/audit/export', query: auditExportQuerySchema, response: CSV }),
};

export type AuditFilter = z.infer<typeof auditExportQuerySchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
