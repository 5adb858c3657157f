import { z } from 'zod';
import { dataOf, endpoint, idParams, isoDate } from './http';

/** Personal data of one customer (data-protection law): everything held about them, and erasure. */

export const personalDataSchema = z.object({
  exportedAt: isoDate,
  customer: z.record(z.string(), z.unknown()),
  orders: z.array(z.record(z.string(), z.unknown())),
  interactions: z.array(z.record(z.string(), z.unknown())),
  tasks: z.array(z.record(z.string(), z.unknown())),
  /** Every row the plugin derived from them, by table (metrics, activity copies, tags, scores, memberships, history). */
  derived: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});

export const erasureSchema = z.object({
  customerId: z.number(),
  erasedAt: isoDate,
  /** Rows deleted, by table; orders are kept for the accounts, without the link to the person. */
  deleted: z.record(z.string(), z.number()),
  ordersUnlinked: z.number(),
});

export const privacyApi = {
  exportData: endpoint({ method: 'GET', path: '/customers/:id/personal-data', params: idParams, response: dataOf(personalDataSchema), audit: 'sensitive' }),
  erase: endpoint({ method: 'DELETE', path: '/customers/:id/personal-data', params: idParams, response: dataOf(erasureSchema) }),
};

export type PersonalData = z.infer<typeof personalDataSchema>;
export type Erasure = z.infer<typeof erasureSchema>;
