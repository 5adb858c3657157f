import type { Knex } from 'knex';
import { dialectOf } from './client';

export const indexExists = async (knex: Knex, table: string, name: string): Promise<boolean> => {
  switch (dialectOf(knex)) {
    case 'postgres': {
      const { rows } = await knex.raw('select 1 from pg_indexes where tablename = ? and indexname = ?', [table, name]);
      return rows.length > 0;
    }
    case 'mysql': {
      const [rows] = await knex.raw(
        'select 1 from information_schema.statistics where table_schema = database() and table_name = ? and index_name = ? limit 1',
        [table, name]
      );
      return rows.length > 0;
    }
    default: {
      const rows = await knex.raw("select 1 from sqlite_master where type = 'index' and name = ?", [name]);
      return rows.length > 0;
    }
  }
};
