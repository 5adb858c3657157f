import type { Core } from '@strapi/strapi';
import { UID } from '../constants';

/** The Strapi tables the value models read, resolved from Strapi's metadata when there is an instance. */
export type SourceTables = {
  customers: string;
  orders: string;
  /** orders → customer link: table, order column, customer column. */
  orderLink: { table: string; order: string; customer: string };
  interactions: string;
  interactionLink: { table: string; interaction: string; customer: string };
  tags: string;
};

/** The names Strapi 5 gives the host content types (used by scripts that run without Strapi). */
export const DEFAULT_TABLES: SourceTables = {
  customers: 'customers',
  orders: 'orders',
  orderLink: { table: 'orders_customer_lnk', order: 'order_id', customer: 'customer_id' },
  interactions: 'interactions',
  interactionLink: { table: 'interactions_customer_lnk', interaction: 'interaction_id', customer: 'customer_id' },
  tags: 'tags',
};

const link = (strapi: Core.Strapi, uid: string, attribute: string) => {
  const joinTable = (strapi.db.metadata.get(uid as any).attributes as any)[attribute]?.joinTable;
  return { table: joinTable.name as string, source: joinTable.joinColumn.name as string, target: joinTable.inverseJoinColumn.name as string };
};

export const resolveTables = (strapi: Core.Strapi): SourceTables => {
  const table = (uid: string) => strapi.db.metadata.get(uid as any).tableName;
  const orderLink = link(strapi, UID.order, 'customer');
  const interactionLink = link(strapi, UID.interaction, 'customer');
  return {
    customers: table(UID.customer),
    orders: table(UID.order),
    orderLink: { table: orderLink.table, order: orderLink.source, customer: orderLink.target },
    interactions: table(UID.interaction),
    interactionLink: { table: interactionLink.table, interaction: interactionLink.source, customer: interactionLink.target },
    tags: table(UID.tag),
  };
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
