import { PLUGIN_ID } from './pluginId';

/** The plugin's RBAC actions (server: constants.ts ACTIONS). */
export const ACTIONS = [
  'segments.read',
  'segments.create',
  'segments.update',
  'segments.delete',
  'segments.run',
  'tags.manage',
  'models.manage',
  'automation.manage',
  'automation.approve',
  'export',
  'export.approve',
  'sensitive.view',
] as const;

export type ActionUid = (typeof ACTIONS)[number];

export const permission = (action: ActionUid) => ({ action: `plugin::${PLUGIN_ID}.${action}`, subject: null });
