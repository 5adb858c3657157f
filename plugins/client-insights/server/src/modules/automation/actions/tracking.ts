import type { Core } from '@strapi/strapi';
import { UID } from '../../../core/constants';
import { isTransientError } from '../../../core/db/dialect';
import { groupCommit } from '../../../core/db/group-commit';
import { createInteractions } from './interaction-rows';

/**
 * Email write-back: what happens to a sent message comes back as interactions on the customer
 * (email_sent, email_open, email_click, complaint), written so that the metrics rollup, the
 * activity copies and the automation inbox see them like any other interaction ("sent and not
 * clicked in 3 days" runs on real data): opens, clicks and complaints through the Document
 * Service, the engine's own sends in bulk with the same lifecycles (interaction-rows.ts).
 */

export type EmailInteraction = 'email_sent' | 'email_open' | 'email_click' | 'complaint';

/** How long a repeat of the same open (or the same link's click) of one message is not recorded again. */
export const REPEAT_WINDOW_MS = 60 * 60 * 1000;

const documentIdOf = async (strapi: Core.Strapi, customerId: number): Promise<string | null> => {
  const row = await strapi.db.query(UID.customer as any).findOne({ where: { id: customerId }, select: ['documentId'] });
  return (row as { documentId?: string } | null)?.documentId ?? null;
};

/**
 * Whether customer `customerId` already has an interaction of `type` for message `messageId` (and
 * link `url`) since `since`. Read through the customer's recent interactions of that type: a
 * handful per hour, so no index on the JSON properties is needed.
 */
const seenSince = async (strapi: Core.Strapi, documentId: string, type: EmailInteraction, messageId: string, url: string | undefined, since: Date) => {
  const recent = await strapi.documents(UID.interaction as any).findMany({
    filters: { customer: { documentId }, type, occurred_at: { $gte: since.toISOString() } } as any,
    fields: ['properties'] as any,
    limit: 500,
  });
  return recent.some((r: any) => r.properties?.messageId === messageId && (url === undefined || r.properties?.url === url));
};

/**
 * Records an email interaction for customer `customerId`; with `dedupe`, not when the same one
 * (message, and link for a click) was recorded within the last hour. Answers whether it was
 * recorded; false for a customer that no longer exists. Two requests at the same instant may both
 * record (no lock): a double open within a second is harmless to the rules that read them.
 */
export const recordEmailInteraction = async (
  strapi: Core.Strapi,
  customerId: number,
  type: EmailInteraction,
  properties: { messageId: string; url?: string; [key: string]: unknown },
  { now = new Date(), dedupe = false }: { now?: Date; dedupe?: boolean } = {}
): Promise<boolean> => {
  const documentId = await documentIdOf(strapi, customerId);
  if (!documentId) return false;
  if (dedupe && (await seenSince(strapi, documentId, type, properties.messageId, properties.url, new Date(now.getTime() - REPEAT_WINDOW_MS)))) return false;
  await createInteraction(strapi, documentId, type, properties, now);
  return true;
};

const createInteraction = (strapi: Core.Strapi, documentId: string, type: EmailInteraction, properties: Record<string, unknown>, now: Date) =>
  strapi.documents(UID.interaction as any).create({
    data: {
      type,
      channel: 'email',
      occurred_at: now.toISOString(),
      properties,
      // The long form: Strapi reads a bare documentId that starts with a digit as a numeric id.
      customer: { connect: [{ documentId }] },
    } as any,
  });

type Sent = { customerId: number; properties: Record<string, unknown>; now: Date };

/** Interactions per transaction at most. */
const SENT_GROUP = 200;

/** One group of sends: the customers that still exist in one read, the interactions in one transaction (interaction-rows.ts). */
const recordSentGroup = async (strapi: Core.Strapi, items: Sent[]): Promise<boolean[]> => {
  const rows = await strapi.db.query(UID.customer as any).findMany({ where: { id: { $in: [...new Set(items.map((i) => i.customerId))] } }, select: ['id'] });
  const exists = new Set(rows.map((r: any) => Number(r.id)));
  await createInteractions(
    strapi,
    items
      .filter((item) => exists.has(item.customerId))
      .map((item) => ({ customerId: item.customerId, type: 'email_sent', channel: 'email', occurredAt: item.now, properties: item.properties }))
  );
  return items.map((item) => exists.has(item.customerId));
};

const sentGroups = new WeakMap<Core.Strapi, (sent: Sent) => Promise<boolean>>();

/**
 * `email_sent` for a send that just happened. The sends of a tick that finish together are
 * recorded in one transaction (one commit, and one metrics drain after it instead of one per
 * send), with the lifecycles that let the rollup and the automation inbox see them.
 * Resolves once written (false for a customer that no longer exists). A group whose transaction
 * fails is written again (at once when the failure was transient), then send by send; a send that still cannot be recorded rejects, which the
 * email action logs: the mail is gone and is not resent.
 */
export const recordEmailSent = (strapi: Core.Strapi, customerId: number, properties: Record<string, unknown>, now = new Date()): Promise<boolean> => {
  let record = sentGroups.get(strapi);
  if (!record)
    sentGroups.set(
      strapi,
      (record = groupCommit((items: Sent[]) => recordSentGroup(strapi, items), SENT_GROUP, { attempts: 3, baseMs: 20, isTransient: isTransientError }))
    );
  return record({ customerId, properties, now });
};
