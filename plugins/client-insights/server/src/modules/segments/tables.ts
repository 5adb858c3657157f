import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';

/** Plugin tables of segment execution (created by migration 301) and the shared membership tables. */
export const T = {
  members: 'ci_segment_members',
  current: 'ci_segment_current',
  runs: 'ci_segment_runs',
  changes: 'ci_segment_changes',
  events: 'ci_segment_events',
  primary: 'ci_customer_primary_segment',
  metrics: 'ci_customer_metrics',
  scores: 'ci_customer_scores',
} as const;

/** Strapi's tables for segments and customers, as its metadata names them. */
export type StrapiTables = {
  segments: string;
  /** Link table: segment `col` has parent `parentCol`. */
  parent: { table: string; col: string; parentCol: string };
  owner: { table: string; col: string; userCol: string };
  customers: string;
};

const link = (strapi: Core.Strapi, uid: string, attribute: string) => {
  const join = (strapi.db.metadata.get(uid as any).attributes as any)[attribute].joinTable;
  return { table: join.name as string, col: join.joinColumn.name as string, other: join.inverseJoinColumn.name as string };
};

export const strapiTables = (strapi: Core.Strapi): StrapiTables => {
  const parent = link(strapi, UID.segment, 'parent');
  const owner = link(strapi, UID.segment, 'owner');
  return {
    segments: strapi.db.metadata.get(UID.segment as any).tableName,
    parent: { table: parent.table, col: parent.col, parentCol: parent.other },
    owner: { table: owner.table, col: owner.col, userCol: owner.other },
    customers: strapi.db.metadata.get(UID.customer as any).tableName,
  };
};

/** Fallback when no Strapi instance is at hand (benchmarks against a seeded database). */
export const DEFAULT_TABLES: StrapiTables = {
  segments: 'segments',
  parent: { table: 'segments_parent_lnk', col: 'segment_id', parentCol: 'inv_segment_id' },
  owner: { table: 'segments_owner_lnk', col: 'segment_id', userCol: 'user_id' },
  customers: 'customers',
};
