import { z } from 'zod';
import { EXPORT_PHASES, MEMBER_CHANGES } from '../enums';
import { approvalSchema, approvalText } from './approvals';
import { customerExportBodySchema } from './customers';
import { CSV, dataOf, endpoint, exportQuery, idText } from './http';
import { jobSchemaOf } from './jobs';

/**
 * Exports as tracked jobs: the admin asks for a file, follows the job (progress, cancel) and
 * downloads the file once it is written. The direct CSV routes (customers/export, a result's
 * export) stream the same file in the answer, for integrators.
 */

/**
 * Why the export is asked for: required when it needs approval (contact data, or more rows than
 * the configured limit: modules/exports/approval-need.ts), kept on the approval request.
 */
const reason = { reason: approvalText.optional() };

/** What to export: the customer list under a filter, or the members of a segment result (optionally only who entered / left / stayed). */
export const exportRequestSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('customers'), filter: customerExportBodySchema, ...reason }).strict(),
  z.object({ source: z.literal('segmentResult'), result: z.string().min(1).max(64), change: z.enum(MEMBER_CHANGES).optional(), ...reason }).strict(),
]);

/** An export's job; once it succeeds, its `result` is an ExportFile. */
export const exportJobSchema = jobSchemaOf(EXPORT_PHASES);
export const exportFileSchema = z.object({ rows: z.number(), bytes: z.number(), filename: z.string(), expiresAt: z.string() });

export const exportsApi = {
  /**
   * 202 with the job; read and cancel it at /jobs/:jobId. An export that needs approval answers
   * 202 with the approval request instead (`meta.approval: true`; a 400 on /reason when no
   * reason was given); once another user approves it, its job runs for the user who asked.
   */
  start: endpoint({
    method: 'POST',
    path: '/exports',
    query: exportQuery,
    body: exportRequestSchema,
    response: z.union([dataOf(exportJobSchema), z.object({ data: approvalSchema, meta: z.object({ approval: z.literal(true) }) })]),
    statuses: [202],
  }),
  file: endpoint({ method: 'GET', path: '/exports/:jobId/file', params: z.object({ jobId: idText }), response: CSV }),
};

export type ExportRequest = z.infer<typeof exportRequestSchema>;
export type ExportJob = z.infer<typeof exportJobSchema>;
export type ExportFile = z.infer<typeof exportFileSchema>;
