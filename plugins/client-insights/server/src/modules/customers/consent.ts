import type { Knex } from 'knex';
import type { Consent } from '../../../../shared/contracts/customers';
import { CONSENT_CHANNELS, type ConsentChannel } from '../../../../shared/enums';
import { bindDate, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';

/**
 * Consent per channel, kept on the customer (ci_customer_consent: the latest decision per channel).
 * Contact is allowed only on a channel with a recorded grant: never recorded and withdrawn both mean
 * no (opt-in, as data-protection law asks). Automation calls `mayContact` / `mayContactMany` before
 * it sends, and logs a skipped action with the reason "consent".
 */

const toConsent = (channel: ConsentChannel, row: any): Consent => ({
  channel,
  granted: row ? Boolean(row.granted) : null,
  at: row ? (readDate(row.changed_at)?.toISOString() ?? null) : null,
  source: row?.source ?? null,
  recordedBy: row?.changed_by === null || row?.changed_by === undefined ? null : Number(row.changed_by),
});

/** Every channel's consent of customer `customerId`, in CONSENT_CHANNELS order. */
export const consentOf = async (knex: Knex, customerId: number): Promise<Consent[]> => {
  const rows = await knex(TABLES.customerConsent).where({ customer_id: customerId });
  const byChannel = new Map(rows.map((r: any) => [r.channel, r]));
  return CONSENT_CHANNELS.map((channel) => toConsent(channel, byChannel.get(channel)));
};

/** Records a decision on one channel (replacing the previous one); answers every channel's consent before and after. */
export const recordConsent = async (
  knex: Knex,
  customerId: number,
  channel: ConsentChannel,
  decision: { granted: boolean; source: string; by: number | null },
  now = new Date()
) => {
  const before = await consentOf(knex, customerId);
  const row = { granted: decision.granted, changed_at: bindDate(knex, now), source: decision.source, changed_by: decision.by };
  // One statement on every database (ON CONFLICT / ON DUPLICATE KEY): two writers at once cannot collide.
  await knex(TABLES.customerConsent)
    .insert({ customer_id: customerId, channel, ...row })
    .onConflict(['customer_id', 'channel'])
    .merge(['granted', 'changed_at', 'source', 'changed_by']);
  return { before, after: await consentOf(knex, customerId) };
};

/** Whether customer `customerId` may be contacted on `channel`: only with a recorded grant. */
export const mayContact = async (knex: Knex, customerId: number, channel: ConsentChannel): Promise<boolean> =>
  Boolean(await knex(TABLES.customerConsent).where({ customer_id: customerId, channel, granted: true }).first('customer_id'));

/** Of `customerIds`, those who may be contacted on `channel` (one query per 500 ids). */
export const mayContactMany = async (knex: Knex, customerIds: readonly number[], channel: ConsentChannel): Promise<Set<number>> => {
  const allowed = new Set<number>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const ids: unknown[] = await knex(TABLES.customerConsent)
      .where({ channel, granted: true })
      .whereIn('customer_id', customerIds.slice(i, i + 500))
      .pluck('customer_id');
    for (const id of ids) allowed.add(Number(id));
  }
  return allowed;
};
