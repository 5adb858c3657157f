import type { Approval, ApprovalPreview } from '../../../../shared/contracts/approvals';
import type { ApprovalKind, ApprovalStatus } from '../../../../shared/enums';
import { readDate } from '../../core/db/dialect';

/** A ci_approvals row as the module uses it (names of the users are added when answered). */
export type ApprovalRecord = {
  id: number;
  kind: ApprovalKind;
  status: ApprovalStatus;
  requestedBy: number;
  reason: string;
  payload: unknown;
  preview: ApprovalPreview;
  decidedBy: number | null;
  comment: string | null;
  createdAt: Date | null;
  decidedAt: Date | null;
  expiresAt: Date | null;
  executedAt: Date | null;
  jobId: number | null;
  error: string | null;
};

const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const toRecord = (row: any): ApprovalRecord => ({
  id: Number(row.id),
  kind: row.kind,
  status: row.status,
  requestedBy: Number(row.requested_by),
  reason: row.reason,
  payload: JSON.parse(String(row.payload)),
  preview: JSON.parse(String(row.preview)),
  decidedBy: numberOrNull(row.decided_by),
  comment: row.comment ?? null,
  createdAt: readDate(row.created_at),
  decidedAt: readDate(row.decided_at),
  expiresAt: readDate(row.expires_at),
  executedAt: readDate(row.executed_at),
  jobId: numberOrNull(row.job_id),
  error: row.error ?? null,
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The answer: dates as ISO text, the users named (`names`: admin user id → display name). */
export const toApproval = (r: ApprovalRecord, names: Map<number, string>): Approval => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  requestedBy: r.requestedBy,
  requesterName: names.get(r.requestedBy) ?? null,
  reason: r.reason,
  payload: r.payload,
  preview: r.preview,
  decidedBy: r.decidedBy,
  deciderName: r.decidedBy === null ? null : (names.get(r.decidedBy) ?? null),
  comment: r.comment,
  createdAt: iso(r.createdAt),
  decidedAt: iso(r.decidedAt),
  expiresAt: iso(r.expiresAt),
  executedAt: iso(r.executedAt),
  jobId: r.jobId,
  error: r.error,
});

/** What the audit log keeps of a request's state (before/after): no payload copy beyond what was asked. */
export const auditState = (r: ApprovalRecord | null) =>
  r && { status: r.status, decidedBy: r.decidedBy, comment: r.comment, jobId: r.jobId, error: r.error, expiresAt: iso(r.expiresAt) };
