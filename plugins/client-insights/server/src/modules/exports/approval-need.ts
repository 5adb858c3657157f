import type { Core } from '@strapi/strapi';
import type { ApprovalPreview } from '../../../../shared/contracts/approvals';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { ApiError } from '../../core/http/errors';
import type { CsvExport } from '../segments/csv';

/** Rows above which an export needs approval by default (`config/plugins.ts` → `client-insights.config.exports.approvalRows`). */
export const EXPORT_APPROVAL_ROWS = 10_000;

export const exportApprovalRows = (strapi: Core.Strapi): number => {
  const rows = Number(strapi.config.get(`plugin::${PLUGIN_ID}.exports.approvalRows`, EXPORT_APPROVAL_ROWS));
  return Number.isFinite(rows) && rows >= 0 ? rows : EXPORT_APPROVAL_ROWS;
};

/**
 * Seed 000, "导出需双重审批": an export needs a second user's approval when it would carry
 * sensitive fields unmasked (the caller holds sensitive.view and the file has contact columns) or
 * more rows than the limit. Answers the preview the approver sees, or null when none is needed.
 */
export const exportApprovalNeed = (csv: Pick<CsvExport, 'total' | 'columns' | 'sensitive'>, rowLimit: number): ApprovalPreview | null => {
  const overLimit = csv.total > rowLimit;
  if (!overLimit && csv.sensitive.length === 0) return null;
  return { rows: csv.total, fields: [...csv.columns], sensitiveFields: [...csv.sensitive], recipients: null, rowLimit: overLimit ? rowLimit : null };
};

/** Why, in words: "it carries email, phone unmasked and has 12000 rows (more than 10000)". */
export const whyApproval = (preview: ApprovalPreview) =>
  [
    preview.sensitiveFields.length ? `it carries ${preview.sensitiveFields.join(', ')} unmasked` : null,
    preview.rowLimit !== null ? `it has ${preview.rows} rows (more than ${preview.rowLimit})` : null,
  ]
    .filter(Boolean)
    .join(' and ');

/**
 * The direct CSV routes (customers/export, a result's export, for integrators) stream at once, so
 * they cannot wait for a decision: an export that needs approval is refused there (403), naming
 * the way that can: POST /client-insights/exports with a reason, by an admin user.
 */
export const refuseUnapproved = (csv: CsvExport, rowLimit: number) => {
  const preview = exportApprovalNeed(csv, rowLimit);
  if (!preview) return;
  csv.stream.destroy();
  throw new ApiError(
    403,
    `this export needs approval: ${whyApproval(preview)}. An admin user requests it with POST /client-insights/exports and a reason; once another user approves it, the file is downloaded from /client-insights/exports/:jobId/file`,
    [],
    'ApprovalRequiredError'
  );
};
