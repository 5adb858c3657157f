import type { Migration } from './migration';
import { renameOrderStatusIndex, renameStatusColumns } from './status-renames';

/**
 * Task, Segment, Order and AutomationRule `status` renamed (Strapi reserves the name; see
 * status-renames.ts). The columns normally moved before Strapi's schema sync (register.ts); this
 * catches a database whose old column the sync kept, and renames 005's order index after its column.
 */
const migration: Migration = {
  id: '006-status-attributes-renamed',
  async up(knex) {
    await renameStatusColumns(knex);
    await renameOrderStatusIndex(knex);
  },
};

export default migration;
