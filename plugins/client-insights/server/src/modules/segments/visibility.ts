import { seesContact, type Viewer } from '../../core/http/viewer';
import type { SegmentRow } from './repository';

/**
 * Admin users (the Viewer, core/http/viewer.ts) see `global` segments, `team` segments of owners
 * they share a role with (or without owner), and their own `private` ones. Content-API callers
 * (API tokens, integrations) act for no user: they see `team` and `global` segments, never
 * `private` ones.
 */
export type { Viewer };

/** Whether member lists and exports show this viewer contact data unmasked (see customers/mask.ts). */
export const viewerSeesContact = seesContact;

export type OwnerRoles = Map<number, number[]>;

export const canSee = (viewer: Viewer, segment: Pick<SegmentRow, 'visibility' | 'ownerId'>, ownerRoles: OwnerRoles): boolean => {
  if (segment.visibility === 'global') return true;
  if (viewer.kind === 'api') return segment.visibility === 'team';
  if (segment.ownerId === viewer.userId) return true;
  if (segment.visibility === 'private') return false;
  if (segment.ownerId === null) return true;
  const roles = ownerRoles.get(segment.ownerId) ?? [];
  return roles.some((r) => viewer.roleIds.includes(r));
};
