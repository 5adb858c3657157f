import { L, type LocalisedText } from './labels';

/**
 * The fields an export can carry, in the user's chosen order (modules/exports/fields.ts maps each
 * to its column). Customer fields, the metrics rollup (`metrics.*`) and the value scores (`score.*`)
 * use the rule catalogue's paths and labels; `tags` and `segments` list a customer's unexpired tags
 * and current segments (those the user may see). Sensitive ones: shared/sensitive.ts.
 */
export const EXPORT_FIELD_KEYS = [
  'customer.id',
  'customer.document_id',
  'customer.name',
  'customer.email',
  'customer.phone',
  'customer.notes',
  'customer.region',
  'customer.language',
  'customer.education',
  'customer.target_major',
  'customer.program',
  'customer.stage',
  'customer.lead_source',
  'customer.created_at',
  'metrics.order_count',
  'metrics.total_spent',
  'metrics.gross_margin',
  'metrics.avg_order_value',
  'metrics.first_order_at',
  'metrics.last_order_at',
  'metrics.renewal_count',
  'metrics.overdue_amount',
  'metrics.contract_end_at',
  'metrics.last_interaction_at',
  'metrics.referral_count',
  'metrics.complaint_count',
  'score.r',
  'score.f',
  'score.m',
  'score.rfm',
  'score.rfm_segment',
  'score.quadrant',
  'score.clv',
  'score.churn_risk',
  'score.renewal_probability',
  'score.upsell_probability',
  'tags',
  'segments',
] as const;
export type ExportField = (typeof EXPORT_FIELD_KEYS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Fields written when a request names none with format xlsx: the columns its CSV has had. */
export const DEFAULT_EXPORT_FIELDS: Record<'customers' | 'segmentResult', readonly ExportField[]> = {
  customers: [
    'customer.id',
    'customer.document_id',
    'customer.name',
    'customer.email',
    'customer.phone',
    'customer.region',
    'customer.stage',
    'customer.created_at',
    'metrics.total_spent',
    'metrics.order_count',
    'score.quadrant',
    'score.r',
    'score.f',
    'score.m',
  ],
  segmentResult: [
    'customer.id',
    'customer.document_id',
    'customer.name',
    'customer.region',
    'customer.stage',
    'customer.lead_source',
    'metrics.total_spent',
    'metrics.order_count',
    'metrics.last_order_at',
  ],
};

/** Labels of the export fields the rule catalogue does not have (it labels every other one). */
export const EXPORT_FIELD_LABELS: Partial<Record<ExportField, LocalisedText>> = {
  'customer.id': L('ID', 'ID', 'ID'),
  'customer.document_id': L('Document ID', '文档 ID', '文件 ID'),
  'customer.notes': L('Notes', '备注', '備註'),
  tags: L('Tags', '标签', '標籤'),
  segments: L('Segments', '分群', '分群'),
};
