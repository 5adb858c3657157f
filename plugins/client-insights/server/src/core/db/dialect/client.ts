import type { Knex } from 'knex';

/** The databases the plugin supports. Code branches on them only in this folder. */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export const dialectOf = (knex: Knex): Dialect => {
  const client = String((knex.client as any).config?.client ?? (knex.client as any).dialect ?? '');
  if (client.includes('sqlite')) return 'sqlite';
  if (client.includes('pg') || client.includes('postgres')) return 'postgres';
  if (client.includes('mysql') || client.includes('maria')) return 'mysql';
  throw new Error(`Unsupported database client "${client}"`);
};

/** Rows of a raw query's result on any driver (pg: { rows }, mysql2: [rows, fields], sqlite: rows). */
export const rowsOf = (result: any): any[] => (Array.isArray(result) ? (Array.isArray(result[0]) ? result[0] : result) : result.rows);
