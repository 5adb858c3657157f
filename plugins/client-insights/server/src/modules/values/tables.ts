import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';

/**
 * The Strapi tables the value models read, resolved from Strapi's metadata when there is an instance.
 * Orders and interactions are not among them: the models read the customers' activity copies
 * (metrics/activity.ts), which carry the customer id.
 */
export type SourceTables = {
  customers: string;
  tags: string;
};

/** The names Strapi 5 gives the host content types (used by scripts that run without Strapi). */
export const DEFAULT_TABLES: SourceTables = {
  customers: 'customers',
  tags: 'tags',
};

export const resolveTables = (strapi: Core.Strapi): SourceTables => {
  const table = (uid: string) => strapi.db.metadata.get(uid as any).tableName;
  return { customers: table(UID.customer), tags: table(UID.tag) };
};

/** Plugin tables of the value models (created by the 2xx migrations). */
export const VALUE_TABLES = {
  runs: 'ci_value_runs',
  history: 'ci_value_score_history',
  modelScores: 'ci_value_model_scores',
  models: 'ci_value_models',
  scores: 'ci_customer_scores',
  customerTags: 'ci_customer_tags',
} as const;
