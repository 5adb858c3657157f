import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../../../core/constants';
import { bindDate } from '../../../core/db/dialect';

/**
 * Interactions written in bulk, for the engine's own records (`email_sent`): the rows and their
 * customer links in a few statements per group, instead of the Document Service's dozen queries
 * and middlewares per row, which were the largest share of the worker's CPU per mail.
 *
 * What the Document Service would do is kept: a documentId, published_at (interactions have no
 * drafts), the timestamps, the link after the customer's last interaction. And every lifecycle
 * subscriber runs (beforeCreateMany, afterCreateMany, as the entity manager's createMany runs
 * them), so the metrics rollup and the automation inbox see these rows like any other. Unlike
 * createMany, the links exist before the after-hooks run: the hooks find the customers through them.
 */

export type NewInteraction = { customerId: number; type: string; channel: string; occurredAt: Date; properties: Record<string, unknown> };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A documentId as Strapi makes them: 24 lowercase letters and digits, a letter first (one starting with a digit reads as a numeric id). */
export const newDocumentId = (): string => {
  const bytes = randomBytes(24);
  let id = ALPHABET[bytes[0] % 26];
  for (let i = 1; i < 24; i += 1) id += ALPHABET[bytes[i] % 36];
  return id;
};

/** Rows per insert statement (SQLite allows 32,766 bound values; 9 columns each). */
const CHUNK = 500;

/**
 * Creates `items` in the caller's transaction (or one of its own) and answers their ids in order.
 */
export const createInteractions = async (strapi: Core.Strapi, items: NewInteraction[]): Promise<number[]> =>
  strapi.db.transaction(async ({ trx: t }): Promise<number[]> => {
    if (!items.length) return [];
    const trx = t as unknown as Knex;
    const meta = strapi.db.metadata.get(UID.interaction as any) as any;
    const column = (attribute: string): string => meta.attributes[attribute]?.columnName ?? attribute;
    const link = meta.attributes.customer.joinTable as {
      name: string;
      joinColumn: { name: string };
      inverseJoinColumn: { name: string };
      inverseOrderColumnName?: string;
    };
    // The payload the hooks see, as a Document Service create would pass it to the entity manager.
    const data = items.map((i) => ({ type: i.type, channel: i.channel, occurred_at: i.occurredAt, properties: i.properties, customer: i.customerId }));
    const states = await strapi.db.lifecycles.run('beforeCreateMany', UID.interaction as any, { params: { data } });

    const now = bindDate(trx, new Date());
    const documentIds = items.map(newDocumentId);
    const rows = items.map((item, k) => ({
      [column('documentId')]: documentIds[k],
      [column('type')]: item.type,
      [column('channel')]: item.channel,
      [column('occurred_at')]: bindDate(trx, item.occurredAt),
      // A string on every database: pg reads it as jsonb, MySQL and SQLite store the text.
      [column('properties')]: JSON.stringify(item.properties),
      [column('publishedAt')]: now,
      [column('createdAt')]: now,
      [column('updatedAt')]: now,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) await trx(meta.tableName).insert(rows.slice(i, i + CHUNK));
    // By documentId, not the insert's answer: MySQL answers only the first id of a multi-row insert.
    const idOf = new Map<string, number>();
    for (let i = 0; i < documentIds.length; i += CHUNK)
      for (const r of await trx(meta.tableName)
        .whereIn(column('documentId'), documentIds.slice(i, i + CHUNK))
        .select('id', column('documentId')))
        idOf.set(String(r[column('documentId')]), Number(r.id));
    const ids = documentIds.map((d) => idOf.get(d)!);

    // Each new interaction after the customer's last one, as connecting it would place it.
    const order = link.inverseOrderColumnName;
    const next = new Map<number, number>();
    if (order) {
      const customers = [...new Set(items.map((i) => i.customerId))];
      for (let i = 0; i < customers.length; i += CHUNK)
        for (const r of (await trx(link.name)
          .whereIn(link.inverseJoinColumn.name, customers.slice(i, i + CHUNK))
          .groupBy(link.inverseJoinColumn.name)
          .select({ customer: link.inverseJoinColumn.name })
          .max({ last: order })) as any[])
          next.set(Number(r.customer), Number(r.last ?? 0));
    }
    const links = items.map((item, k) => {
      const position = (next.get(item.customerId) ?? 0) + 1;
      next.set(item.customerId, position);
      return { [link.joinColumn.name]: ids[k], [link.inverseJoinColumn.name]: item.customerId, ...(order ? { [order]: position } : {}) };
    });
    for (let i = 0; i < links.length; i += CHUNK) await trx(link.name).insert(links.slice(i, i + CHUNK));

    await strapi.db.lifecycles.run('afterCreateMany', UID.interaction as any, { params: { data }, result: { count: ids.length, ids } }, states);
    return ids;
  });
