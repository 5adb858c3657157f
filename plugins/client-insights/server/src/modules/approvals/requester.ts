import type { Core } from '@strapi/strapi';
import { permission, type ActionUid } from '../../../../shared/permissions';
import type { Viewer } from '../../core/http/viewer';

/** The user who asked, as they are now: approved work runs on their behalf, with their current rights. */
export type Requester = { viewer: Extract<Viewer, { kind: 'admin' }>; can(action: ActionUid): boolean };

/** The requester `userId` with the permissions their roles hold now; null when they no longer exist or are blocked. */
export const loadRequester = async (strapi: Core.Strapi, userId: number): Promise<Requester | null> => {
  const user = await strapi.db.query('admin::user').findOne({ where: { id: userId }, populate: ['roles'] });
  if (!user || user.isActive === false || user.blocked === true) return null;
  const ability = await (strapi.service('admin::permission') as any).engine.generateUserAbility(user);
  const can = (action: ActionUid) => Boolean(ability.can(permission(action)));
  return {
    viewer: { kind: 'admin', userId, roleIds: (user.roles ?? []).map((r: any) => Number(r.id)), seesContact: can('sensitive.view') },
    can,
  };
};

/** Display names of admin users (first and last name, else username), never their email. */
export const userNames = async (strapi: Core.Strapi, ids: number[]): Promise<Map<number, string>> => {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const users = await strapi.db.query('admin::user').findMany({ where: { id: { $in: unique } }, select: ['id', 'firstname', 'lastname', 'username'] });
  return new Map(users.map((u: any) => [Number(u.id), [u.firstname, u.lastname].filter(Boolean).join(' ') || u.username || `#${u.id}`] as [number, string]));
};
