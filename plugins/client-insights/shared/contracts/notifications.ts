import { z } from 'zod';
import { dataOf, endpoint, flag, idParams, isoDate, noBody, pageQuery, paginationSchema } from './http';

/**
 * In-app notifications for admin users (written by automation's notify action). Every signed-in
 * admin reads and marks only their own.
 */

export const notificationSchema = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  customerId: z.number().nullable(),
  /** The automation rule (documentId) that sent it. */
  ruleDoc: z.string().nullable(),
  /** Where the notification points in the admin (a path). */
  link: z.string().nullable(),
  createdAt: isoDate,
  readAt: isoDate.nullable(),
});

export const notificationListQuerySchema = z.object({ unread: flag.optional(), ...pageQuery(100, 20) }).strict();

export const notificationsApi = {
  /** The caller's notifications, newest first, and how many are unread. */
  list: endpoint({
    method: 'GET',
    path: '/notifications',
    query: notificationListQuerySchema,
    response: z.object({ data: z.array(notificationSchema), meta: z.object({ pagination: paginationSchema, unread: z.number() }) }),
  }),
  read: endpoint({ method: 'POST', path: '/notifications/:id/read', params: idParams, body: noBody, response: dataOf(notificationSchema) }),
  readAll: endpoint({ method: 'POST', path: '/notifications/read-all', body: noBody, response: dataOf(z.object({ updated: z.number() })) }),
};

export type Notification = z.infer<typeof notificationSchema>;
export type NotificationListQuery = z.infer<typeof notificationListQuerySchema>;
