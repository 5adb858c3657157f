import type { Core } from '@strapi/strapi';
import type { Erasure, PersonalData } from '../../../../shared/contracts/privacy';
import { UID } from '../../core/constants';
import { TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { recordAudit, type AuditActor } from '../../core/audit/log';

/** The plugin's tables that hold rows of one customer (a `customer_id` column), found once per process. */
let customerTables: Promise<string[]> | null = null;

/**
 * One customer's personal data: the export (everything held about them, machine-readable) and the
 * erasure (every row derived from them, in one transaction). Orders stay for the accounts, unlinked
 * from the person; the audit log keeps the fact of the erasure and loses the data of their entries.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tablesWithCustomer = () =>
    (customerTables ??= (async () => {
      const found: string[] = [];
      for (const table of Object.values(TABLES)) if (await knex().schema.hasColumn(table, 'customer_id')) found.push(table);
      return found;
    })());

  const findCustomer = async (id: number) => {
    const customer = await strapi.db.query(UID.customer as any).findOne({ where: { id }, populate: { orders: true, interactions: true, tasks: true } });
    if (!customer) throw ApiError.notFound(`customer ${id} not found`);
    return customer as any;
  };

  return {
    async exportData(id: number): Promise<PersonalData> {
      const { orders = [], interactions = [], tasks = [], ...customer } = await findCustomer(id);
      const derived: PersonalData['derived'] = {};
      for (const table of await tablesWithCustomer()) derived[table] = await knex()(table).where({ customer_id: id });
      return { exportedAt: new Date().toISOString(), customer, orders, interactions, tasks, derived: JSON.parse(JSON.stringify(derived)) };
    },

    async erase(id: number, actor: AuditActor): Promise<Erasure> {
      const customer = await findCustomer(id);
      const deleted: Record<string, number> = {};
      const erasedAt = new Date();
      const tables = await tablesWithCustomer();
      // Raw statements go through the transaction's own connection (SQLite has one).
      await strapi.db.transaction(async ({ trx }) => {
        for (const order of customer.orders ?? [])
          await strapi.documents(UID.order as any).update({ documentId: order.documentId, data: { customer: null } as any });
        for (const interaction of customer.interactions ?? []) await strapi.documents(UID.interaction as any).delete({ documentId: interaction.documentId });
        for (const task of customer.tasks ?? []) await strapi.documents(UID.task as any).delete({ documentId: task.documentId });
        deleted.interactions = customer.interactions?.length ?? 0;
        deleted.tasks = customer.tasks?.length ?? 0;
        await strapi.documents(UID.customer as any).delete({ documentId: customer.documentId });
        deleted.customers = 1;
        // After the document writes: their lifecycles may have queued this customer again.
        for (const table of tables) deleted[table] = Number(await trx(table).where({ customer_id: id }).delete());
        // The fact of what was done to them stays; what was asked, which may hold their data, goes.
        await trx(TABLES.auditLog)
          .where({ target_type: 'customers', target_id: String(id) })
          .update({ details: null });
      });
      // Export files may hold them: every written file is deleted (any export can be made again).
      deleted[TABLES.exportChunks] = Number(await knex()(TABLES.exportChunks).delete());
      await recordAudit(knex(), { actor, action: 'erase personal data', targetType: 'customers', targetId: String(id), status: 200 }, erasedAt);
      return { customerId: id, erasedAt: erasedAt.toISOString(), deleted, ordersUnlinked: customer.orders?.length ?? 0 };
    },
  };
};
