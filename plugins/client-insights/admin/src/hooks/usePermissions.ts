import { useAuth } from '@strapi/strapi/admin';
import { ACTIONS, permission, type ActionUid } from '../../../shared/permissions';

/**
 * What the current admin user may do in the plugin; `can[action]` is false while loading.
 *
 * Read from the auth context's permission list rather than useRBAC: useRBAC keys its answer by
 * the action's last segment (tags.manage and models.manage would both be "canManage"), and it
 * caches a check made before the user's permissions arrive, so a page opened by URL could be
 * refused for good. The plugin's actions carry no conditions, so matching the action is the check.
 */
export const usePermissions = () => {
  const permissions = useAuth('ClientInsights', (s: any) => s.permissions) as { action: string }[];
  const isLoading = useAuth('ClientInsights', (s: any) => s.isLoading) as boolean;
  const granted = new Set((permissions ?? []).map((p) => p.action));
  const can = Object.fromEntries(ACTIONS.map(({ uid }) => [uid, granted.has(permission(uid))])) as Record<ActionUid, boolean>;
  return { can, isLoading };
};

/**
 * Whether the user may create Tasks: follow-up tasks are Task entries, so the Task content type's
 * own content-manager permission decides (the server checks the same).
 */
export const useCanCreateTasks = () => {
  const permissions = useAuth('ClientInsights', (s: any) => s.permissions) as { action: string; subject?: string | null }[];
  return (permissions ?? []).some((p) => p.action === 'plugin::content-manager.explorer.create' && p.subject === 'api::task.task');
};
