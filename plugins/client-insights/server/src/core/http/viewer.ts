import { permission, type ActionUid } from '../../../../shared/permissions';
import { UID } from '../constants';

/**
 * Who is calling. An admin user acts as themselves (segment visibility, contact masking apply);
 * a content-API caller (API token, integration) acts for no user.
 */
export type Viewer = { kind: 'admin'; userId: number; roleIds: number[]; seesContact: boolean } | { kind: 'api' };

/** Whether the calling admin holds this plugin action (content-API callers hold none). */
export const can = (ctx: any, action: ActionUid): boolean => Boolean(ctx.state?.userAbility?.can?.(permission(action)));

export const viewerOf = (ctx: any): Viewer => {
  const user = ctx.state?.user;
  if (ctx.state?.auth?.strategy?.name === 'admin' && user?.id) {
    return { kind: 'admin', userId: Number(user.id), roleIds: (user.roles ?? []).map((r: any) => Number(r.id)), seesContact: can(ctx, 'sensitive.view') };
  }
  return { kind: 'api' };
};

/**
 * Whether the viewer sees contact data unmasked: an admin needs `sensitive.view`; content-API
 * callers read customers through the content API anyway, so nothing is hidden from them.
 */
export const seesContact = (viewer: Viewer) => viewer.kind === 'api' || viewer.seesContact;

/**
 * Whether the calling admin may create Tasks written with these fields: follow-up tasks (from a
 * customer list or a value card) are Task entries, so the Task content type's own
 * content-manager permission decides, field by field.
 */
export const canCreateTasks = (ctx: any, fields: readonly string[]): boolean =>
  fields.every((field) => Boolean(ctx.state?.userAbility?.can?.('plugin::content-manager.explorer.create', UID.task, field)));
