import { permission, type ActionUid } from '../../../../shared/permissions';
import { UID } from '../constants';
import { callerSeesSensitive } from '../security/sensitive';
import { tokenSeesRestricted } from '../security/visibility';

/**
 * Who is calling. An admin user acts as themselves (segment visibility, contact masking apply);
 * a content-API caller (API token, integration) acts for no user.
 */
export type Viewer =
  { kind: 'admin'; userId: number; roleIds: number[]; seesContact: boolean } | { kind: 'api'; seesContact?: boolean; seesRestricted?: boolean };

/** Whether the calling admin holds this plugin action (content-API callers hold none). */
export const can = (ctx: any, action: ActionUid): boolean => Boolean(ctx.state?.userAbility?.can?.(permission(action)));

export const viewerOf = (ctx: any): Viewer => {
  const user = ctx.state?.user;
  if (ctx.state?.auth?.strategy?.name === 'admin' && user?.id) {
    return { kind: 'admin', userId: Number(user.id), roleIds: (user.roles ?? []).map((r: any) => Number(r.id)), seesContact: callerSeesSensitive(ctx) };
  }
  // Team and private segments and tags only for a token granted them (core/security/visibility.ts).
  return { kind: 'api', seesContact: callerSeesSensitive(ctx), ...(tokenSeesRestricted(ctx.state?.auth) ? { seesRestricted: true } : {}) };
};

/**
 * Whether the viewer sees sensitive fields (shared/sensitive.ts) unmasked: an admin needs
 * `sensitive.view`; a content-API caller a custom token granted it explicitly (the same rule the
 * content manager, REST and GraphQL follow: core/security/sensitive.ts).
 */
export const seesContact = (viewer: Viewer) => viewer.seesContact === true;

/**
 * Whether the calling admin may create Tasks written with these fields: follow-up tasks (from a
 * customer list or a value card) are Task entries, so the Task content type's own
 * content-manager permission decides, field by field.
 */
export const canCreateTasks = (ctx: any, fields: readonly string[]): boolean =>
  fields.every((field) => Boolean(ctx.state?.userAbility?.can?.('plugin::content-manager.explorer.create', UID.task, field)));
