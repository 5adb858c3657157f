import { z } from 'zod';
import { APPROVAL_KINDS, APPROVAL_STATUSES, APPROVAL_TEXT_MAX } from '../enums';
import { dataOf, endpoint, idParams, isoDate, noBody, pageOf, pageQuery } from './http';

/**
 * Maker-checker approvals: work one user asks for (an export with contact data or many rows;
 * automation next) waits until a different user holding the kind's approve action approves it,
 * then runs once, on behalf of the user who asked. A request not decided in time expires.
 */

/** Why, or a decision comment: trimmed, not empty, at most APPROVAL_TEXT_MAX characters. */
export const approvalText = z.string().trim().min(1, 'must not be empty').max(APPROVAL_TEXT_MAX, `at most ${APPROVAL_TEXT_MAX} characters`);

/** What the approved work would do, shown to the approver: rows, the fields written (the sensitive ones named), recipients where relevant. */
export const approvalPreviewSchema = z.object({
  rows: z.number().nullable(),
  fields: z.array(z.string()),
  sensitiveFields: z.array(z.string()),
  recipients: z.number().nullable(),
  /** The number of rows above which the work needs approval, when that is why it does. */
  rowLimit: z.number().nullable(),
});

export const approvalSchema = z.object({
  id: z.number(),
  kind: z.enum(APPROVAL_KINDS),
  status: z.enum(APPROVAL_STATUSES),
  requestedBy: z.number(),
  /** The requester's and decider's names (never their email: staff contact data). */
  requesterName: z.string().nullable(),
  reason: z.string(),
  /** What runs once approved (for an export: its request). */
  payload: z.unknown(),
  preview: approvalPreviewSchema,
  decidedBy: z.number().nullable(),
  deciderName: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: isoDate.nullable(),
  decidedAt: isoDate.nullable(),
  expiresAt: isoDate.nullable(),
  executedAt: isoDate.nullable(),
  /** The tracked job the approved work runs as (an export's job: its file at /exports/:jobId/file). */
  jobId: z.number().nullable(),
  /** Why the approved work could not start (status `failed`). */
  error: z.string().nullable(),
});

export const approvalListQuerySchema = z
  .object({ status: z.enum(APPROVAL_STATUSES).optional(), kind: z.enum(APPROVAL_KINDS).optional(), ...pageQuery(100, 20) })
  .strict();

export const approveBodySchema = z.object({ comment: approvalText.optional() }).strict();
export const rejectBodySchema = z.object({ comment: approvalText }).strict();

export const approvalsApi = {
  /** The requests the caller may see: their own, and every one of the kinds they may approve. */
  list: endpoint({ method: 'GET', path: '/approvals', query: approvalListQuerySchema, response: pageOf(approvalSchema) }),
  get: endpoint({ method: 'GET', path: '/approvals/:id', params: idParams, response: dataOf(approvalSchema) }),
  /** Approves a pending request (not one's own) and runs its work once. */
  approve: endpoint({ method: 'POST', path: '/approvals/:id/approve', params: idParams, body: approveBodySchema, response: dataOf(approvalSchema) }),
  reject: endpoint({ method: 'POST', path: '/approvals/:id/reject', params: idParams, body: rejectBodySchema, response: dataOf(approvalSchema) }),
  /** The requester withdraws a pending request. */
  cancel: endpoint({ method: 'POST', path: '/approvals/:id/cancel', params: idParams, body: noBody, response: dataOf(approvalSchema) }),
};

export type Approval = z.infer<typeof approvalSchema>;
export type ApprovalPreview = z.infer<typeof approvalPreviewSchema>;
export type ApprovalListQuery = z.infer<typeof approvalListQuerySchema>;
