import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { bindDate, isUniqueViolation } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import type { ValueCardTasks } from '../../../../shared/contracts/values';
import { BULK_TASKS_MAX, type ValueCardKind } from '../../../../shared/enums';
import { CARD_COLUMN, scoredCustomers, utcDay } from './cards';
import { latestRunId } from './reports';

export type CardTasksInput = { kind: ValueCardKind; key: string; title: string; dueAt?: string | null };

/** The Task fields these tasks are written with (the caller needs the Task create permission on each). */
export const CARD_TASK_FIELDS = ['title', 'kind', 'task_status', 'due_at', 'customer', 'assignee'] as const;

/**
 * One open follow-up Task per customer of a value card, assigned to the customer's owner, all in
 * one transaction, at most BULK_TASKS_MAX (a larger card is refused, nothing created). Idempotent
 * per card and UTC day: the card's row in ci_value_card_tasks is written in the same transaction,
 * and its primary key stops a second creation (a double click, two admins at once), which then
 * answers what the first created.
 */
export const createCardTasks = async (strapi: Core.Strapi, input: CardTasksInput, userId: number | null, now = new Date()): Promise<ValueCardTasks> => {
  const knex = strapi.db.connection;
  const tables = hostTables(strapi);
  const day = utcDay(now);
  const card = { card_kind: input.kind, card_key: input.key, day };
  const earlier = async () => {
    const row = await knex(TABLES.valueCardTasks).where(card).first('tasks');
    return row ? { created: 0, repeated: true, tasks: Number(row.tasks), day } : null;
  };
  const done = await earlier();
  if (done) return done;

  const members = scoredCustomers(knex, tables).where(`s.${CARD_COLUMN[input.kind]}`, input.key);
  const total = Number((await members.clone().count({ n: '*' }).first())?.n ?? 0);
  if (total > BULK_TASKS_MAX) {
    throw ApiError.invalid([
      {
        path: '/key',
        message: `the card has ${total} customers; follow-up tasks are created for at most ${BULK_TASKS_MAX} at a time: open its customers and narrow the list`,
      },
    ]);
  }
  if (total === 0) return { created: 0, repeated: false, tasks: 0, day };
  const owner = tables.customerOwner;
  const rows: { document_id: string; owner_id: number | null }[] = await members
    .leftJoin(`${owner.table} as o`, `o.${owner.customer}`, 'c.id')
    .orderBy('c.id')
    .select('c.document_id', `o.${owner.user} as owner_id`);
  const runId = await latestRunId(knex);
  try {
    await strapi.db.transaction(async ({ trx }) => {
      await trx(TABLES.valueCardTasks).insert({ ...card, run_id: runId, tasks: rows.length, created_by: userId, created_at: bindDate(knex, now) });
      for (const row of rows) {
        await strapi.documents(UID.task as any).create({
          data: {
            title: input.title,
            kind: 'follow_up',
            task_status: 'open',
            due_at: input.dueAt ?? null,
            // The long form: Strapi reads a bare string that starts with a digit as a numeric id.
            customer: { connect: [{ documentId: row.document_id }] },
            ...(row.owner_id === null ? {} : { assignee: { connect: [{ id: Number(row.owner_id) }] } }),
          } as any,
        });
      }
    });
  } catch (error) {
    // Another request created this card's tasks first (its row committed while ours waited).
    const repeated = isUniqueViolation(error) ? await earlier() : null;
    if (repeated) return repeated;
    throw error;
  }
  return { created: rows.length, repeated: false, tasks: rows.length, day };
};
