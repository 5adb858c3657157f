import type { Core } from '@strapi/strapi';
import type { Notification, NotificationListQuery } from '../../../../shared/contracts/notifications';
import { bindDate, isUniqueViolation, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';

/** A notification to write: for one admin user; `idemKey` makes a repeated write (a retried action) a no-op. */
export type NewNotification = {
  userId: number;
  title: string;
  body: string;
  customerId?: number | null;
  ruleDoc?: string | null;
  link?: string | null;
  idemKey?: string | null;
};

const toNotification = (row: any): Notification => ({
  id: Number(row.id),
  title: row.title,
  body: row.body,
  customerId: row.customer_id === null ? null : Number(row.customer_id),
  ruleDoc: row.rule_doc ?? null,
  link: row.link ?? null,
  createdAt: readDate(row.created_at)!.toISOString(),
  readAt: readDate(row.read_at)?.toISOString() ?? null,
});

/**
 * In-app notifications (ci_notifications). Every read and write is scoped to one user: a caller
 * only ever lists or marks their own (another user's notification answers 404, like a missing one).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const mine = (userId: number) => knex()(TABLES.notifications).where({ user_id: userId });
  return {
    /** Writes one; false when this key was already written for this user (nothing written). */
    async add(n: NewNotification, now = new Date()): Promise<boolean> {
      try {
        await knex()(TABLES.notifications).insert({
          user_id: n.userId,
          title: n.title.slice(0, 300),
          body: n.body,
          customer_id: n.customerId ?? null,
          rule_doc: n.ruleDoc ?? null,
          link: n.link ?? null,
          idem_key: n.idemKey ?? null,
          created_at: bindDate(knex(), now),
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async list(userId: number, query: NotificationListQuery) {
      const { page, pageSize } = query;
      const filtered = () => (query.unread ? mine(userId).whereNull('read_at') : mine(userId));
      const [total, unread, rows] = await Promise.all([
        filtered().count({ n: '*' }).first(),
        mine(userId).whereNull('read_at').count({ n: '*' }).first(),
        filtered()
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(pageSize)
          .offset((page - 1) * pageSize),
      ]);
      const count = Number(total?.n ?? 0);
      return {
        data: rows.map(toNotification),
        meta: { pagination: { page, pageSize, pageCount: Math.ceil(count / pageSize), total: count }, unread: Number(unread?.n ?? 0) },
      };
    },

    async markRead(userId: number, id: number, now = new Date()): Promise<Notification> {
      await mine(userId)
        .where({ id })
        .whereNull('read_at')
        .update({ read_at: bindDate(knex(), now) });
      const row = await mine(userId).where({ id }).first();
      if (!row) throw ApiError.notFound('notification not found');
      return toNotification(row);
    },

    async markAllRead(userId: number, now = new Date()): Promise<{ updated: number }> {
      const updated = await mine(userId)
        .whereNull('read_at')
        .update({ read_at: bindDate(knex(), now) });
      return { updated: Number(updated) };
    },
  };
};
