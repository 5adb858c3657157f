import type { Core } from '@strapi/strapi';
import type { Assignee } from '../../../../../shared/contracts/automation-definition';
import { UID } from '../../../core/constants';

/** An active admin user a task or notification goes to. */
export type AdminRecipient = { id: number; email: string | null; locale: string | null };

const ADMIN_USER = 'admin::user';
const OPEN_TASK_STATUSES = ['open', 'in_progress'];

const active = { isActive: true, blocked: false };
const toRecipient = (u: any): AdminRecipient => ({ id: Number(u.id), email: u.email ?? null, locale: u.preferedLanguage ?? null });

/** Active members of an admin role, in id order. */
const roleMembers = async (strapi: Core.Strapi, roleId: number): Promise<AdminRecipient[]> =>
  (
    await strapi.db.query(ADMIN_USER).findMany({
      where: { ...active, roles: { id: roleId } },
      select: ['id', 'email', 'preferedLanguage'],
      orderBy: { id: 'asc' },
    })
  ).map(toRecipient);

const activeUser = async (strapi: Core.Strapi, id: number | null): Promise<AdminRecipient | null> => {
  if (id === null) return null;
  const user = await strapi.db.query(ADMIN_USER).findOne({ where: { id, ...active }, select: ['id', 'email', 'preferedLanguage'] });
  return user ? toRecipient(user) : null;
};

/**
 * Who an action addresses: the customer's owner, a named admin user, or a role's members (all of
 * them for a notification; for a task, `oneOfRole` picks the member with the fewest open tasks,
 * the lowest id on a tie). Inactive or blocked users are nobody. [] when no one is left.
 */
export const resolveAssignees = async (
  strapi: Core.Strapi,
  assignee: Assignee,
  ownerId: number | null,
  { oneOfRole = false } = {}
): Promise<AdminRecipient[]> => {
  if (assignee.to === 'owner') return [await activeUser(strapi, ownerId)].filter((u): u is AdminRecipient => u !== null);
  if (assignee.to === 'user') return [await activeUser(strapi, assignee.userId)].filter((u): u is AdminRecipient => u !== null);
  const members = await roleMembers(strapi, assignee.roleId);
  if (!oneOfRole || members.length <= 1) return members;
  let best: { member: AdminRecipient; open: number } | null = null;
  for (const member of members) {
    const open = await strapi.db.query(UID.task).count({ where: { assignee: { id: member.id }, task_status: { $in: OPEN_TASK_STATUSES } } });
    if (best === null || open < best.open) best = { member, open };
  }
  return best ? [best.member] : [];
};
