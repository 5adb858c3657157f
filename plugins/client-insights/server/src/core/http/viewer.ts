import { permission, type ActionUid } from '../../../../shared/permissions';
import { tokenSeesRestricted } from '../security/visibility';

/**
 * Who is calling. An admin user acts as themselves (segment visibility, contact masking apply);
 * a content-API caller (API token, integration) acts for no user.
 */
export type Viewer = { kind: 'admin'; userId: number; roleIds: number[]; seesContact: boolean } | { kind: 'api'; seesRestricted?: boolean };

/** Whether the calling admin holds this plugin action (content-API callers hold none). */
export const can = (ctx: any, action: ActionUid): boolean => Boolean(ctx.state?.userAbility?.can?.(permission(action)));

export const viewerOf = (ctx: any): Viewer => {
  const user = ctx.state?.user;
  if (ctx.state?.auth?.strategy?.name === 'admin' && user?.id) {
    return { kind: 'admin', userId: Number(user.id), roleIds: (user.roles ?? []).map((r: any) => Number(r.id)), seesContact: can(ctx, 'sensitive.view') };
  }
  // Team and private segments and tags only for a token granted them (core/security/visibility.ts).
  return tokenSeesRestricted(ctx.state?.auth) ? { kind: 'api', seesRestricted: true } : { kind: 'api' };
};

/**
 * Whether the viewer sees contact data unmasked: an admin needs `sensitive.view`; content-API
 * callers read customers through the content API anyway, so nothing is hidden from them.
 */
export const seesContact = (viewer: Viewer) => viewer.kind === 'api' || viewer.seesContact;
