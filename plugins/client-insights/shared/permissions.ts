import type { ApprovalKind } from './enums';

/** The plugin id and its RBAC actions, declared once for the server (registration, route guards) and the admin (menus, buttons). */
export const PLUGIN_ID = 'client-insights';

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
  { uid: 'audit.read', displayName: 'Read the audit log' },
  { uid: 'reports.read', displayName: 'Read reports' },
  { uid: 'sync.manage', displayName: 'Manage warehouse sync' },
  { uid: 'personal-data.erase', displayName: "Erase a customer's personal data" },
] as const;

export type ActionUid = (typeof ACTIONS)[number]['uid'];

/** Who may approve each kind of maker-checker request (never the user who asked). */
export const APPROVE_ACTIONS = { export: 'export.approve', automation: 'automation.approve' } as const satisfies Record<ApprovalKind, ActionUid>;

/** The action's full name as Strapi's permission engine knows it, e.g. `plugin::client-insights.segments.read`. */
export const permission = (action: ActionUid) => `plugin::${PLUGIN_ID}.${action}`;
