import { seesContact } from '../customers/mask';
import type { SegmentRow } from './repository';

/**
 * Who is asking. Admin users see `global` segments, `team` segments of owners they share a role
 * with (or without owner, or owned by a Super Admin, whose team is every admin), and their own
 * `private` ones. Content-API callers (API tokens, integrations) act for no user: they see
 * `team` and `global` segments, never `private` ones.
 */
export type Viewer = { kind: 'admin'; userId: number; roleIds: number[]; seesContact: boolean } | { kind: 'api' };

/** Admin users act as themselves (visibility applies); content-API callers act for no user. */
export const viewerOf = (ctx: any): Viewer => {
  const user = ctx.state?.user;
  if (ctx.state?.auth?.strategy?.name === 'admin' && user?.id) {
    return { kind: 'admin', userId: Number(user.id), roleIds: (user.roles ?? []).map((r: any) => Number(r.id)), seesContact: seesContact(ctx) };
  }
  return { kind: 'api' };
};

/** Whether member lists and exports show this viewer contact data unmasked (see customers/mask.ts). */
export const viewerSeesContact = (viewer: Viewer) => viewer.kind === 'api' || viewer.seesContact;

/** Each owner's team: the role ids they hold, or `everyone` for a Super Admin. */
export type OwnerRoles = Map<number, number[] | 'everyone'>;

export const canSee = (viewer: Viewer, segment: Pick<SegmentRow, 'visibility' | 'ownerId'>, ownerRoles: OwnerRoles): boolean => {
  if (segment.visibility === 'global') return true;
  if (viewer.kind === 'api') return segment.visibility === 'team';
  if (segment.ownerId === viewer.userId) return true;
  if (segment.visibility === 'private') return false;
  if (segment.ownerId === null) return true;
  const team = ownerRoles.get(segment.ownerId) ?? [];
  return team === 'everyone' || team.some((r) => viewer.roleIds.includes(r));
};
