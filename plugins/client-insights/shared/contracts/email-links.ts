import { z } from 'zod';
import { dataOf, dateTime, endpoint, GIF, HTML, noQuery } from './http';

/**
 * The public end of automation email (server: modules/automation/actions/email-*.ts): the links
 * and pixel a sent email carries, each a signed token (no credentials: the token is the
 * permission), and the provider webhook that reports delivery, bounces and complaints
 * (authenticated by a shared secret header). Mounted under /api/email.
 */

/** `<payload>.<signature>`, both base64url: what the server signed into a link. */
export const linkToken = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a signed link token');
const tokenParams = z.object({ token: linkToken });

/** What a provider reports about a sent message, by its Message-ID. */
export const PROVIDER_EVENTS = ['delivered', 'bounce', 'complaint'] as const;

export const providerEventSchema = z
  .object({
    event: z.enum(PROVIDER_EVENTS),
    /** The Message-ID the email was sent with, with or without its angle brackets. */
    messageId: z.string().trim().min(3).max(300),
    occurredAt: dateTime.optional(),
    /** The provider's words (a bounce's SMTP reply); kept in the audit log. */
    reason: z.string().max(1000).optional(),
    /** A bounce's kind: `hard` (the address does not take mail) or `soft` (full, deferred). Absent: a 5xx reply is hard. */
    bounceType: z.enum(['hard', 'soft']).optional(),
  })
  .strict();
export type ProviderEvent = z.infer<typeof providerEventSchema>;

export const emailLinksApi = {
  /** The unsubscribe link: a page asking to confirm (nothing changes on a GET: mail scanners follow links). */
  unsubscribePage: endpoint({ method: 'GET', path: '/email/unsubscribe/:token', params: tokenParams, query: noQuery, response: HTML }),
  /** The confirmation, and RFC 8058 one-click (`List-Unsubscribe=One-Click`, form-encoded): withdraws email consent. */
  unsubscribe: endpoint({
    method: 'POST',
    path: '/email/unsubscribe/:token',
    params: tokenParams,
    query: noQuery,
    body: z.object({ 'List-Unsubscribe': z.literal('One-Click').optional() }).strict(),
    response: HTML,
  }),
  /** The tracking pixel: a 1×1 GIF; records `email_open` once per message per hour. */
  open: endpoint({ method: 'GET', path: '/email/open/:token', params: tokenParams, query: noQuery, response: GIF }),
  /** A tracked link: records `email_click` and redirects to the URL signed into the token, nowhere else. */
  click: endpoint({ method: 'GET', path: '/email/click/:token', params: tokenParams, query: noQuery, response: HTML, statuses: [302] }),
  /** The provider webhook: delivery, bounce and complaint events for a Message-ID. */
  providerEvent: endpoint({
    method: 'POST',
    path: '/email/events',
    query: noQuery,
    body: providerEventSchema,
    response: dataOf(z.object({ recorded: z.boolean(), customerId: z.number() })),
  }),
};
