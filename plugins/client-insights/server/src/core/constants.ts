/** The content types the plugin reads and writes, by uid (the plugin id and RBAC actions: shared/permissions.ts). */
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
