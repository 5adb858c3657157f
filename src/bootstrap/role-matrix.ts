import { SENSITIVE_ATTRIBUTES } from '../../plugins/client-insights/shared/sensitive';

/**
 * The four back-office roles and what each may do (the README lists this table).
 * `plugin`: Client Insights actions; `content`: content-manager actions per content type;
 * `hiddenFields`: customer fields a role may not read in the content manager (the sensitive
 * fields; the plugin's Document Service middleware hides them in populated relations too).
 */
export type RoleSpec = {
  code: string;
  name: string;
  description: string;
  plugin: string[];
  content: Record<string, ReadonlyArray<'read' | 'create' | 'update' | 'delete'>>;
  hiddenFields?: Record<string, string[]>;
};

/** Roles without `sensitive.view` get no content-manager field permission on the sensitive fields (shared/sensitive.ts). */
const SENSITIVE = { 'api::customer.customer': [...SENSITIVE_ATTRIBUTES['api::customer.customer']] };

/**
 * Content-manager conditions the roles hold per type: segments and tags only where the user may
 * see them (owner, team, global), the plugin's `visible-to-user` condition (core/security/visibility.ts).
 */
export const CONTENT_CONDITIONS: Record<string, string[]> = {
  'api::segment.segment': ['plugin::client-insights.visible-to-user'],
  'api::tag.tag': ['plugin::client-insights.visible-to-user'],
};

const READ_ALL: RoleSpec['content'] = {
  'api::customer.customer': ['read'],
  'api::order.order': ['read'],
  'api::interaction.interaction': ['read'],
  'api::campaign.campaign': ['read'],
  'api::tag.tag': ['read'],
  'api::segment.segment': ['read'],
  'api::task.task': ['read'],
  'api::automation-rule.automation-rule': ['read'],
};

export const ROLE_MATRIX: RoleSpec[] = [
  {
    code: 'client-insights-marketing-operations',
    name: 'Marketing Operations',
    description: 'Creates and edits tags and segments, runs automation.',
    plugin: ['segments.read', 'segments.create', 'segments.update', 'segments.run', 'tags.manage', 'automation.manage', 'export', 'reports.read'],
    content: {
      ...READ_ALL,
      'api::tag.tag': ['read', 'create', 'update'],
      'api::segment.segment': ['read', 'create', 'update'],
      'api::automation-rule.automation-rule': ['read', 'create', 'update'],
      'api::campaign.campaign': ['read', 'create', 'update'],
    },
    hiddenFields: SENSITIVE,
  },
  {
    code: 'client-insights-sales-manager',
    name: 'Sales Manager',
    description: 'Views and uses shared segments, creates reminders and tasks; cannot change core tags.',
    plugin: ['segments.read', 'export', 'reports.read'],
    content: {
      'api::customer.customer': ['read'],
      'api::order.order': ['read'],
      'api::interaction.interaction': ['read'],
      'api::tag.tag': ['read'],
      'api::segment.segment': ['read'],
      'api::task.task': ['read', 'create', 'update'],
    },
    hiddenFields: SENSITIVE,
  },
  {
    code: 'client-insights-data-team',
    name: 'Data Team',
    description: 'Maintains value models, checks data quality, sees all fields.',
    plugin: ['segments.read', 'segments.run', 'models.manage', 'sensitive.view', 'export', 'reports.read', 'sync.manage'],
    content: { ...READ_ALL },
  },
  {
    code: 'client-insights-management',
    name: 'Management',
    description: 'Sees all reports and the audit log, configures strategic tags, approves high-risk automation and exports.',
    plugin: ['segments.read', 'tags.manage', 'automation.approve', 'export', 'export.approve', 'sensitive.view', 'audit.read', 'reports.read'],
    content: { ...READ_ALL, 'api::tag.tag': ['read', 'create', 'update'] },
  },
];
