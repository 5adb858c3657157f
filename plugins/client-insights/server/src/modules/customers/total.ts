import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../../core/constants';
import { HOST_TABLES as H } from '../../core/db/tables';

/**
 * The number of customers, for the preview's share. A `count(*)` per preview cost ~150 ms at 1M
 * customers on PostgreSQL, as much as many a rule itself; the count is taken once and kept until a
 * customer is created or deleted. Such writes through the app end in the entity manager (admin,
 * REST, GraphQL, `strapi.db.query`), whose lifecycles forget it here, in this process; the next
 * preview counts again. Writes this process cannot see (another node, raw SQL, the seed's COPY)
 * are taken in after at most TOTAL_MAX_AGE_MS.
 */
export const TOTAL_MAX_AGE_MS = 60_000;

type State = { value: number | null; countedAt: number; generation: number };

/**
 * Kept on the connection itself under a registered symbol, not in a module variable: scripts and
 * tests that load these sources beside the compiled plugin then still share the one the
 * lifecycles update.
 */
const STATE = Symbol.for('client-insights.customer-total');

const stateOf = (knex: Knex): State => {
  const holder = knex as unknown as { [STATE]?: State };
  return (holder[STATE] ??= { value: null, countedAt: 0, generation: 0 });
};

export const customerTotal = async (knex: Knex): Promise<number> => {
  const state = stateOf(knex);
  if (state.value !== null && Date.now() - state.countedAt < TOTAL_MAX_AGE_MS) return state.value;
  // A create or delete during the count may or may not be in it: such a count is not kept.
  const generation = state.generation;
  const counted = Number((await knex(H.customers).count({ n: '*' }).first())?.n ?? 0);
  if (state.generation === generation) Object.assign(state, { value: counted, countedAt: Date.now() });
  return counted;
};

const forget = (knex: Knex) => {
  const state = stateOf(knex);
  state.generation += 1;
  state.value = null;
};

/**
 * Forgets the total after each customer create or delete: at once, and again when the writer's
 * transaction commits (a preview in between may have counted without the uncommitted row).
 */
export const trackCustomerTotal = (strapi: Core.Strapi) => {
  const changed = async () => {
    const knex = strapi.db.connection;
    forget(knex);
    await strapi.db.transaction(async ({ onCommit }) => onCommit(() => forget(knex)));
  };
  strapi.db.lifecycles.subscribe({
    models: [UID.customer],
    afterCreate: changed,
    afterCreateMany: changed,
    afterDelete: changed,
    afterDeleteMany: changed,
  });
};
