import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { UID } from '../../../core/constants';
import { hostTables } from '../../../core/db/tables';
import { decryptRow } from '../../../core/security/field-crypto';
import type { ActionCustomer } from '../actions/types';
import { automationSettings } from './settings';

/** Customer.language as a template locale: zh-Hans / zh (zh-TW, zh-HK …), else en. */
const localeOf = (language: unknown): ActionCustomer['locale'] => {
  const text = typeof language === 'string' ? language.trim().toLowerCase() : '';
  if (text === 'zh-hans' || text === 'zh-cn' || text === 'zh-sg') return 'zh-Hans';
  if (text === 'zh' || text.startsWith('zh-')) return text.startsWith('zh-hans') ? 'zh-Hans' : 'zh';
  return 'en';
};

const validZone = (zone: unknown): zone is string => typeof zone === 'string' && zone.length > 0 && DateTime.local().setZone(zone).isValid;

const toActionCustomer = (strapi: Core.Strapi, row: Record<string, unknown>, ownerId: unknown): ActionCustomer => {
  const hasTimezone = Boolean((strapi.db.metadata.get(UID.customer as any) as any).attributes.timezone);
  const zone = hasTimezone ? row.timezone : null;
  return {
    id: Number(row.id),
    documentId: String(row.document_id),
    name: String(row.name ?? ''),
    email: (row.email as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    locale: localeOf(row.language),
    timezone: validZone(zone) ? zone : automationSettings(strapi).defaultTimezone,
    stage: (row.stage as string | null) ?? null,
    ownerId: ownerId === null || ownerId === undefined ? null : Number(ownerId),
  };
};

/**
 * The customers actions are for, contact data decrypted as the customers service reads a profile
 * (field-crypto); null for one that no longer exists. Two statements per 500 customers (the rows,
 * their owners), so a tick reads its batch's customers together. The time zone is
 * Customer.timezone when the host has that attribute and it names a zone, else the configured default.
 */
export const loadActionCustomers = async (strapi: Core.Strapi, knex: Knex, ids: number[]): Promise<Map<number, ActionCustomer | null>> => {
  const t = hostTables(strapi);
  const found = new Map<number, ActionCustomer | null>(ids.map((id) => [id, null]));
  for (let i = 0; i < ids.length; i += 500) {
    const page = ids.slice(i, i + 500);
    const owners = new Map<number, unknown>(
      (
        (await knex(t.customerOwner.table)
          .whereIn(t.customerOwner.customer, page)
          .groupBy(t.customerOwner.customer)
          .select({ customer: t.customerOwner.customer })
          .min({ id: t.customerOwner.user })) as any[]
      ).map((r) => [Number(r.customer), r.id])
    );
    for (const row of await knex(t.customers).whereIn('id', page))
      found.set(Number(row.id), toActionCustomer(strapi, decryptRow(row), owners.get(Number(row.id))));
  }
  return found;
};

/** One customer an action is for (loadActionCustomers for one), or null when the customer no longer exists. */
export const loadActionCustomer = async (strapi: Core.Strapi, knex: Knex, customerId: number): Promise<ActionCustomer | null> =>
  (await loadActionCustomers(strapi, knex, [customerId])).get(customerId) ?? null;
