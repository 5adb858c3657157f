/** Everything other modules need to name: the plugin id, content-type uids and RBAC actions. */
export const PLUGIN_ID = 'client-insights';

export const UID = {
  customer: 'api::customer.customer',
  tag: 'api::tag.tag',
  segment: 'api::segment.segment',
  automationRule: 'api::automation-rule.automation-rule',
  order: 'api::order.order',
  interaction: 'api::interaction.interaction',
  task: 'api::task.task',
  campaign: 'api::campaign.campaign',
} as const;

/** RBAC actions, declared once; admin routes and the admin UI refer to them by `permission(...)`. */
export const ACTIONS = [
  { uid: 'segments.read', displayName: 'Read segments' },
  { uid: 'segments.create', displayName: 'Create segments' },
  { uid: 'segments.update', displayName: 'Update segments' },
  { uid: 'segments.delete', displayName: 'Delete segments' },
  { uid: 'segments.run', displayName: 'Run segments' },
  { uid: 'tags.manage', displayName: 'Manage tags' },
  { uid: 'models.manage', displayName: 'Manage value models' },
  { uid: 'automation.manage', displayName: 'Manage automation' },
  { uid: 'automation.approve', displayName: 'Approve automation' },
  { uid: 'export', displayName: 'Export' },
  { uid: 'export.approve', displayName: 'Approve exports' },
  { uid: 'sensitive.view', displayName: 'View sensitive fields' },
] as const;

export type ActionUid = (typeof ACTIONS)[number]['uid'];

export const permission = (action: ActionUid) => `plugin::${PLUGIN_ID}.${action}`;
