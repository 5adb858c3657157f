import type { Knex } from 'knex';
import type { EventBus } from '../../core/events/bus';
import type { EventPayloads } from '../../core/events/types';

type TagsChanged = EventPayloads['tags.changed'];

/**
 * Runs `write` in one transaction and announces `tags.changed` for each change that moved
 * assignments: hooks inside the transaction (automation's inbox commits with the change),
 * listeners once it committed. `write` returns its result and the changes it made.
 */
export const changingTags = async <R>(
  knex: Knex,
  events: Pick<EventBus, 'within' | 'publish'>,
  write: (trx: Knex.Transaction) => Promise<{ result: R; changes: TagsChanged[] }>
): Promise<R> => {
  const { result, changes } = await knex.transaction(async (trx) => {
    const done = await write(trx);
    const moved = done.changes.filter((c) => c.added || c.removed);
    for (const change of moved) await events.within(trx, 'tags.changed', change);
    return { result: done.result, changes: moved };
  });
  for (const change of changes) void events.publish('tags.changed', change);
  return result;
};
