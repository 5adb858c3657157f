import { z } from 'zod';
import { EXPORT_PHASES, MEMBER_CHANGES } from '../enums';
import { EXPORT_FIELD_KEYS, EXPORT_FORMATS } from '../export-fields';
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

/**
 * The fields the file carries, in this order (shared/export-fields.ts); each at most once. Without
 * them a CSV has the source's fixed columns as before, an .xlsx the same fields (DEFAULT_EXPORT_FIELDS).
 */
const exportFields = z
  .array(z.enum(EXPORT_FIELD_KEYS, { errorMap: () => ({ message: 'not an exportable field (see the list in docs/api.md, Exports)' }) }))
  .min(1, 'choose at least one field')
  .max(EXPORT_FIELD_KEYS.length)
  .superRefine((fields, ctx) => {
    fields.forEach((f, i) => {
      if (fields.indexOf(f) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `"${f}" is chosen twice` });
    });
  });
/** What the file is and carries: format csv (default) or xlsx, and the chosen fields. */
const choice = { format: z.enum(EXPORT_FORMATS).optional(), fields: exportFields.optional() };

/** What to export: the customer list under a filter, or the members of a segment result (optionally only who entered / left / stayed). */
export const exportRequestSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('customers'), filter: customerExportBodySchema, ...choice, ...reason }).strict(),
  z.object({ source: z.literal('segmentResult'), result: z.string().min(1).max(64), change: z.enum(MEMBER_CHANGES).optional(), ...choice, ...reason }).strict(),
]);

/** An export's job; once it succeeds, its `result` is an ExportFile. */
export const exportJobSchema = jobSchemaOf(EXPORT_PHASES);
export const exportFileSchema = z.object({
  rows: z.number(),
  bytes: z.number(),
  filename: z.string(),
  expiresAt: z.string(),
  /** Older jobs (before xlsx) have neither: they are CSV. */
  format: z.enum(EXPORT_FORMATS).optional(),
  /** An .xlsx's sheets: more than one when the rows passed Excel's 1,048,576 rows a sheet (header included), `rowsPerSheet` data rows each. */
  sheets: z.number().optional(),
  rowsPerSheet: z.number().optional(),
});

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
