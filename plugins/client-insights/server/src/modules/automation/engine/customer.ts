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

/**
 * The customer an action is for, contact data decrypted as the customers service reads a profile
 * (field-crypto), or null when the customer no longer exists. The time zone is Customer.timezone
 * when the host has that attribute and it names a zone, else the configured default.
 */
export const loadActionCustomer = async (strapi: Core.Strapi, knex: Knex, customerId: number): Promise<ActionCustomer | null> => {
  const t = hostTables(strapi);
  const row = decryptRow(await knex(t.customers).where({ id: customerId }).first());
  if (!row) return null;
  const owner = await knex(t.customerOwner.table).where(t.customerOwner.customer, customerId).min({ id: t.customerOwner.user }).first();
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
    ownerId: owner?.id === null || owner?.id === undefined ? null : Number(owner.id),
  };
};
