import type { Core } from '@strapi/strapi';
import { UID } from '../constants';

/**
 * The one registry of table names. Modules name tables only through it; migrations (migrations/)
 * keep their own literal names, frozen with the SQL they ran.
 */

/** The plugin's own tables (created by migrations/). */
export const TABLES = {
  migrations: 'ci_migrations',
  jobs: 'ci_jobs',
  /** Who did what, when, from where (core/audit). */
  auditLog: 'ci_audit_log',
  /** Maker-checker requests: who asked for what and why, who decided, the work's job (approvals/). */
  approvals: 'ci_approvals',
  /** An export's file, in written order (exports/). */
  exportChunks: 'ci_export_chunks',
  /** A customer's consent per channel: granted or withdrawn, when, source (customers/consent.ts). */
  customerConsent: 'ci_customer_consent',
  /** A customer's tags with source, confidence and expiry (tags/). */
  customerTags: 'ci_customer_tags',
  /** Customers whose auto-rule tags are still to be re-evaluated after a data change (tags/auto-runtime.ts). */
  tagRulePending: 'ci_tag_rule_pending',
  /** Every application of a tag's auto rule: trigger, counts, duration (tags/auto-log.ts). */
  tagRuleLog: 'ci_tag_rule_log',
  /** The metrics rollup: the `metrics.*` facts, one row per customer (metrics/rollup.ts). */
  metrics: 'ci_customer_metrics',
  /** Customers whose rollup is to be recomputed (metrics/queue.ts). */
  metricsDirty: 'ci_metrics_dirty',
  /** Each customer's interactions and orders with the customer on the row (metrics/activity.ts). */
  customerEvents: 'ci_customer_events',
  customerOrders: 'ci_customer_orders',
  /** The latest `score.*` values, one row per scored customer (values/). */
  scores: 'ci_customer_scores',
  segmentMembers: 'ci_segment_members',
  /** The run whose members are a segment's current membership. */
  segmentCurrent: 'ci_segment_current',
  segmentRuns: 'ci_segment_runs',
  segmentChanges: 'ci_segment_changes',
  segmentEvents: 'ci_segment_events',
  /** Every change of a segment's rule, settings or parent, numbered per segment (segments/history/). */
  segmentVersions: 'ci_segment_versions',
  /** Customers whose segment membership is to be re-evaluated (segments/change-trigger.ts). */
  segmentPending: 'ci_segment_pending',
  primarySegment: 'ci_customer_primary_segment',
  valueRuns: 'ci_value_runs',
  valueHistory: 'ci_value_score_history',
  valueModelScores: 'ci_value_model_scores',
  valueModels: 'ci_value_models',
  /** Follow-up tasks created from a value card, one row per card and UTC day (values/card-tasks.ts). */
  valueCardTasks: 'ci_value_card_tasks',
  /** Automation (automation/): definitions as activated, events waiting for the engine, trigger firings, steps to run, what happened. */
  automationVersions: 'ci_automation_versions',
  automationInbox: 'ci_automation_inbox',
  automationOccurrences: 'ci_automation_occurrences',
  automationOutbox: 'ci_automation_outbox',
  automationLogs: 'ci_automation_logs',
  /** Webhook endpoints (secret encrypted) and their circuit breaker state (automation/actions/webhook-endpoints.ts, circuit.ts). */
  automationEndpoints: 'ci_automation_endpoints',
  /** Sends per channel and minute, the rate limit every node counts against (automation/actions/rate-limit.ts). */
  automationRate: 'ci_automation_rate',
  /** Sends per customer, channel and local day, the daily cap every node counts against (automation/engine/guards.ts). */
  automationCapSlots: 'ci_automation_cap_slots',
  /** The Task each task action created, by idempotency key (automation/actions/task.ts). */
  automationTaskKeys: 'ci_automation_task_keys',
  /** In-app notifications for admin users (notifications/). */
  notifications: 'ci_notifications',
  /** Sync destinations (warehouse, webhook, file drop; secrets encrypted), their runs, and what each was last sent (modules/sync). */
  syncDestinations: 'ci_sync_destinations',
  syncRuns: 'ci_sync_runs',
  syncLedger: 'ci_sync_ledger',
  /** A counter per kind of input, raised with every change of it (core/db/data-versions.ts). */
  dataVersions: 'ci_data_versions',
  /** Report figures computed ahead of the question, with the inputs' versions they hold for (reports/stored-figures.ts). */
  reportFigures: 'ci_report_figures',
} as const;

/** The tables a warehouse destination holds (created there when missing, modules/sync/targets/warehouse.ts). */
export const SYNC_TARGET_TABLES = {
  scores: 'ci_sync_customer_scores',
  tags: 'ci_sync_customer_tags',
  members: 'ci_sync_segment_members',
} as const;

/** Strapi's tables of the host content types, and the link tables of the relations the plugin reads. */
export type HostTables = {
  customers: string;
  tags: string;
  segments: string;
  orders: string;
  interactions: string;
  automationRules: string;
  campaigns: string;
  /** orders_customer_lnk(order_id, customer_id) */
  orderCustomer: { table: string; order: string; customer: string };
  /** interactions_customer_lnk(interaction_id, customer_id) */
  interactionCustomer: { table: string; interaction: string; customer: string };
  /** interactions_campaign_lnk(interaction_id, campaign_id) */
  interactionCampaign: { table: string; interaction: string; campaign: string };
  /** customers_referrer_lnk(customer_id, inv_customer_id): customer_id's referrer is inv_customer_id */
  referrer: { table: string; customer: string; referrer: string };
  family: { table: string; customer: string; member: string };
  /** customers_owner_lnk(customer_id, user_id) */
  customerOwner: { table: string; customer: string; user: string };
  /** segments_parent_lnk: segment `col` has parent `parentCol`. */
  parent: { table: string; col: string; parentCol: string };
  owner: { table: string; col: string; userCol: string };
};

/**
 * The names Strapi 5 gives them (collectionName and its link-table convention). SQL built without
 * a Strapi instance (the rule compiler, the rollup, benchmarks, scripts) uses these.
 */
export const HOST_TABLES: HostTables = {
  customers: 'customers',
  tags: 'tags',
  segments: 'segments',
  orders: 'orders',
  interactions: 'interactions',
  automationRules: 'automation_rules',
  campaigns: 'campaigns',
  orderCustomer: { table: 'orders_customer_lnk', order: 'order_id', customer: 'customer_id' },
  interactionCustomer: { table: 'interactions_customer_lnk', interaction: 'interaction_id', customer: 'customer_id' },
  interactionCampaign: { table: 'interactions_campaign_lnk', interaction: 'interaction_id', campaign: 'campaign_id' },
  referrer: { table: 'customers_referrer_lnk', customer: 'customer_id', referrer: 'inv_customer_id' },
  family: { table: 'customers_family_members_lnk', customer: 'customer_id', member: 'inv_customer_id' },
  customerOwner: { table: 'customers_owner_lnk', customer: 'customer_id', user: 'user_id' },
  parent: { table: 'segments_parent_lnk', col: 'segment_id', parentCol: 'inv_segment_id' },
  owner: { table: 'segments_owner_lnk', col: 'segment_id', userCol: 'user_id' },
};

/** The same, as this Strapi instance's metadata names them. */
export const hostTables = (strapi: Core.Strapi): HostTables => {
  const meta = (uid: string) => strapi.db.metadata.get(uid as any) as any;
  const link = (uid: string, attribute: string) => {
    const join = meta(uid).attributes[attribute].joinTable;
    return { table: join.name as string, col: join.joinColumn.name as string, other: join.inverseJoinColumn.name as string };
  };
  const order = link(UID.order, 'customer');
  const interaction = link(UID.interaction, 'customer');
  const interactionCampaign = link(UID.interaction, 'campaign');
  const referrer = link(UID.customer, 'referrer');
  const family = link(UID.customer, 'family_members');
  const customerOwner = link(UID.customer, 'owner');
  const parent = link(UID.segment, 'parent');
  const owner = link(UID.segment, 'owner');
  return {
    customers: meta(UID.customer).tableName,
    tags: meta(UID.tag).tableName,
    segments: meta(UID.segment).tableName,
    orders: meta(UID.order).tableName,
    interactions: meta(UID.interaction).tableName,
    automationRules: meta(UID.automationRule).tableName,
    campaigns: meta(UID.campaign).tableName,
    orderCustomer: { table: order.table, order: order.col, customer: order.other },
    interactionCustomer: { table: interaction.table, interaction: interaction.col, customer: interaction.other },
    interactionCampaign: { table: interactionCampaign.table, interaction: interactionCampaign.col, campaign: interactionCampaign.other },
    referrer: { table: referrer.table, customer: referrer.col, referrer: referrer.other },
    family: { table: family.table, customer: family.col, member: family.other },
    customerOwner: { table: customerOwner.table, customer: customerOwner.col, user: customerOwner.other },
    parent: { table: parent.table, col: parent.col, parentCol: parent.other },
    owner: { table: owner.table, col: owner.col, userCol: owner.other },
  };
};
