import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { PLUGIN_ID } from '../../../../../shared/permissions';
import { bindDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { DeliveryDeferred } from './types';

/**
 * A circuit breaker per webhook endpoint, its state on the endpoint's row so every node sees it.
 * `failures` consecutive transient failures open it for `cooldownMs`; while open a delivery is
 * refused with a transient DeliveryError whose retryAfterMs is the time left (the engine retries
 * then, without counting an attempt: nothing is dropped). When the cool-down has passed the circuit is half-open: the first
 * delivery to claim it (one conditional update, so one node wins) re-arms the cool-down and tries;
 * its success closes the circuit, its failure keeps it open for another cool-down.
 */
export type CircuitSettings = { failures: number; cooldownMs: number };
export const CIRCUIT_DEFAULTS: CircuitSettings = { failures: 5, cooldownMs: 60_000 };

/** `plugin::client-insights.automation.circuit` over the defaults. */
export const circuitSettings = (strapi: Core.Strapi): CircuitSettings => {
  const given = (strapi.config.get(`plugin::${PLUGIN_ID}.automation.circuit`, {}) ?? {}) as Partial<CircuitSettings>;
  const positive = (v: unknown, fallback: number) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : fallback);
  return { failures: positive(given.failures, CIRCUIT_DEFAULTS.failures), cooldownMs: positive(given.cooldownMs, CIRCUIT_DEFAULTS.cooldownMs) };
};

export type CircuitState = 'closed' | 'open' | 'half_open';

export const circuitState = (openUntil: Date | null, now: Date): CircuitState => (openUntil === null ? 'closed' : openUntil > now ? 'open' : 'half_open');

const refuse = (openUntil: Date, now: Date) =>
  new DeliveryDeferred('the endpoint circuit is open after repeated failures', Math.max(1, openUntil.getTime() - now.getTime()));

/**
 * Before a delivery, with the endpoint's circuit as just read (`openUntil`): passes when closed
 * or when this caller won the half-open trial; throws while open.
 */
export const enterCircuit = async (knex: Knex, endpointId: number, openUntil: Date | null, settings: CircuitSettings, now: Date): Promise<void> => {
  if (openUntil === null) return;
  if (openUntil > now) throw refuse(openUntil, now);
  const rearmed = new Date(now.getTime() + settings.cooldownMs);
  const won = await knex(TABLES.automationEndpoints)
    .where({ id: endpointId })
    .where('open_until', '<=', bindDate(knex, now))
    .update({ open_until: bindDate(knex, rearmed) });
  if (!won) throw refuse(rearmed, now);
};

/**
 * The endpoint answered (2xx, or a 4xx: it is up, the request was wrong): the circuit closes.
 * Only a row with something to reset is written, so healthy deliveries do not all update one row.
 */
export const closeCircuit = async (knex: Knex, endpointId: number): Promise<void> => {
  await knex(TABLES.automationEndpoints)
    .where({ id: endpointId })
    .where((q) => q.where('consecutive_failures', '>', 0).orWhereNotNull('open_until'))
    .update({ consecutive_failures: 0, open_until: null });
};

/** A transient failure: one more in a row; the `failures`-th (and a failed trial) opens the circuit for a cool-down. */
export const recordFailure = async (knex: Knex, endpointId: number, settings: CircuitSettings, now: Date): Promise<void> => {
  const until = bindDate(knex, new Date(now.getTime() + settings.cooldownMs));
  await knex(TABLES.automationEndpoints)
    .where({ id: endpointId })
    // open_until first: MySQL evaluates SET left to right with the new values, the others with the old.
    .update({
      open_until: knex.raw('case when consecutive_failures + 1 >= ? then ? else open_until end', [settings.failures, until]),
      consecutive_failures: knex.raw('consecutive_failures + 1'),
    });
};
