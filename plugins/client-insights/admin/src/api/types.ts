/** Response shapes the admin reads (server: rules/catalogue.ts, rules preview, segments, tags). */
export type Labels = { en: string; 'zh-Hans': string; zh: string };
export type FieldDef = {
  path: string;
  group: 'customer' | 'metrics' | 'score';
  type: 'string' | 'number' | 'enum' | 'datetime';
  labels: Labels;
  operators: string[];
  enumValues?: string[];
  sensitive?: boolean;
  integer?: boolean;
};
export type OperatorDef = { name: string; labels: Labels; form: string; returns: 'boolean' | 'number' };
export type Catalogue = {
  fields: FieldDef[];
  operators: OperatorDef[];
  eventTypes: string[];
  orderKinds: string[];
  orderStatuses: string[];
  limits: { maxDepth: number; maxNodes: number; maxListLength: number };
};
export type RuleError = { path: string; message: string };
export type RuleWarning = { path: string; kind: string; message: string; suggestion?: string; conditions?: string[] };
export type TagSummary = { id: number; name: string; slug: string; category: string; color?: string | null; usage?: number };
export type SegmentSummary = { id: number; documentId?: string; name: string; key: string };

/** The label for the admin's language ('zh' is Traditional Chinese). */
export const label = (labels: Labels | undefined, locale: string, fallback = '') => {
  if (!labels) return fallback;
  if (locale === 'zh-Hans' || locale === 'zh') return labels[locale];
  return labels.en;
};
