import type { Knex } from 'knex';
import { indexExists } from '../dialect/schema';

/**
 * Strapi 5 reserves the attribute name `status` (draft & publish): with it, the content manager
 * refused every new Task, Segment, Order and AutomationRule ("Invalid status"). Each type's own
 * status now has a name of its own.
 *
 * Kept with the migrations because it is history like them: it names the release's tables and
 * columns literally, and register.ts (before the schema sync) and 006 run this same code.
 */
export const STATUS_RENAMES = [
  { uid: 'api::task.task', table: 'tasks', to: 'task_status' },
  { uid: 'api::segment.segment', table: 'segments', to: 'segment_status' },
  { uid: 'api::order.order', table: 'orders', to: 'payment_status' },
  { uid: 'api::automation-rule.automation-rule', table: 'automation_rules', to: 'rule_status' },
] as const;

const OLD = 'status';
/** Plugin indexes on an old column (005-rule-indexes), dropped before the column is. */
const OLD_INDEXES: Record<string, string[]> = { orders: ['ci_orders_status_ordered_at_idx'] };

const parse = (value: unknown): any => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * Moves an old `status` column's values to the new attribute's column, idempotently: a rename
 * when only the old column exists, else a copy and a drop. It must run before Strapi's schema
 * sync (register.ts hooks it on `strapi::content-types.beforeSync`): the sync drops a column its
 * stored schema knew and the types no longer declare, before any plugin bootstrap. Roles keep
 * their field permission under the new name (Strapi removes unknown fields from permissions).
 */
export const renameStatusColumns = async (knex: Knex) => {
  for (const { table, to } of STATUS_RENAMES) {
    if (!(await knex.schema.hasTable(table)) || !(await knex.schema.hasColumn(table, OLD))) continue;
    if (!(await knex.schema.hasColumn(table, to))) {
      await knex.schema.alterTable(table, (t) => t.renameColumn(OLD, to));
      continue;
    }
    await knex(table)
      .whereNotNull(OLD)
      .update({ [to]: knex.ref(OLD) });
    for (const name of OLD_INDEXES[table] ?? []) {
      if (await indexExists(knex, table, name)) await knex.schema.alterTable(table, (t) => t.dropIndex([], name));
    }
    await knex.schema.alterTable(table, (t) => t.dropColumn(OLD));
  }
  if (!(await knex.schema.hasTable('admin_permissions'))) return;
  const rows = await knex('admin_permissions')
    .whereIn(
      'subject',
      STATUS_RENAMES.map((r) => r.uid)
    )
    .select('id', 'subject', 'properties');
  for (const row of rows) {
    const properties = parse(row.properties);
    if (!Array.isArray(properties?.fields) || !properties.fields.includes(OLD)) continue;
    const to = STATUS_RENAMES.find((r) => r.uid === row.subject)!.to;
    const fields = [...new Set(properties.fields.map((f: string) => (f === OLD ? to : f)))];
    await knex('admin_permissions')
      .where({ id: row.id })
      .update({ properties: JSON.stringify({ ...properties, fields }) });
  }
};

/** 005-rule-indexes' order index, named after the column it covers on every database. */
export const renameOrderStatusIndex = async (knex: Knex) => {
  const [old, name] = ['ci_orders_status_ordered_at_idx', 'ci_orders_payment_status_ordered_at_idx'];
  if (await indexExists(knex, 'orders', old)) await knex.schema.alterTable('orders', (t) => t.dropIndex([], old));
  if (!(await indexExists(knex, 'orders', name))) await knex.schema.alterTable('orders', (t) => t.index(['payment_status', 'ordered_at'], name));
};
