import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { PLUGIN_ID } from '../../../../../shared/permissions';
import { TABLES } from '../../../core/db/tables';
import { DeliveryDeferred } from './types';

/** Channels that are rate limited here (email counts through the same function when it wants to). */
export type RateChannel = 'webhook' | 'sms' | 'push' | 'email';

/**
 * Sends allowed per channel and minute (`plugin::client-insights.automation.rateLimits`, e.g.
 * `{ sms: 60 }`); a channel not listed (or 0) is not limited.
 */
export const rateBudget = (strapi: Core.Strapi, channel: RateChannel): number | null => {
  const limits = (strapi.config.get(`plugin::${PLUGIN_ID}.automation.rateLimits`, {}) ?? {}) as Record<string, unknown>;
  const n = Number(limits[channel]);
  return Number.isInteger(n) && n > 0 ? n : null;
};

const MINUTE_MS = 60_000;
/** Counter rows older than this many minutes are removed now and then (about one send in a hundred). */
const KEEP_MINUTES = 10;

/**
 * Takes one send from the channel's budget of the current minute, counted in the database so the
 * budget holds across nodes: the minute's row is created if missing, then incremented only while
 * under the budget (one conditional update, atomic on every database). Over budget: a transient
 * DeliveryError with retryAfterMs = the time to the next minute (the engine retries then).
 */
export const takeRateToken = async (knex: Knex, channel: RateChannel, budget: number | null, now: Date): Promise<void> => {
  if (budget === null) return;
  const minute = Math.floor(now.getTime() / MINUTE_MS);
  await knex(TABLES.automationRate).insert({ channel, minute, sends: 0 }).onConflict(['channel', 'minute']).ignore();
  if (Math.random() < 0.01)
    await knex(TABLES.automationRate)
      .where({ channel })
      .where('minute', '<', minute - KEEP_MINUTES)
      .delete();
  const taken = await knex(TABLES.automationRate)
    .where({ channel, minute })
    .where('sends', '<', budget)
    .update({ sends: knex.raw('sends + 1') });
  if (!taken) throw new DeliveryDeferred(`the ${channel} rate limit of ${budget} per minute is reached`, (minute + 1) * MINUTE_MS - now.getTime());
};
