import type { Knex } from 'knex';
import { bindDate } from './dialect';
import { TABLES } from './tables';

/**
 * A counter per kind of input, raised in the transaction that changes the input, so that work
 * derived from it (stored report figures) can tell cheaply whether it still holds: the counter it
 * was computed at equals the one now. `activity`: customers' orders, interactions and metrics
 * (raised first in every rollup refresh and rebuild, metrics/rollup.ts).
 */
export type DataInput = 'activity';

export const bumpVersion = async (knex: Knex, name: DataInput): Promise<void> => {
  const changed_at = bindDate(knex, new Date());
  const updated = await knex(TABLES.dataVersions)
    .where({ name })
    .update({ version: knex.raw('version + 1'), changed_at });
  if (updated) return;
  // The first change ever: two writers may both get here; the loser's insert is ignored and it raises the winner's row.
  await knex(TABLES.dataVersions).insert({ name, version: 0, changed_at }).onConflict('name').ignore();
  await knex(TABLES.dataVersions)
    .where({ name })
    .update({ version: knex.raw('version + 1'), changed_at });
};

/** The counter now (0 before the first change). */
export const versionOf = async (knex: Knex, name: DataInput): Promise<number> => {
  const row = await knex(TABLES.dataVersions).where({ name }).first('version');
  return Number(row?.version ?? 0);
};
