import type { Knex } from 'knex';

/** The only place that branches on the database client; everything else asks here. */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export const dialectOf = (knex: Knex): Dialect => {
  const client = String((knex.client as any).config?.client ?? (knex.client as any).dialect ?? '');
  if (client.includes('sqlite')) return 'sqlite';
  if (client.includes('pg') || client.includes('postgres')) return 'postgres';
  if (client.includes('mysql') || client.includes('maria')) return 'mysql';
  throw new Error(`Unsupported database client "${client}"`);
};

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

/** 32-bit key for PostgreSQL advisory locks, stable across processes. */
export const lockKey = (name: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
};

/**
 * Runs `fn` while holding a lock named `name` across every process on this database.
 * PostgreSQL: transaction-scoped advisory lock; MySQL: GET_LOCK on the transaction's connection;
 * SQLite: a single process owns the file, and its write transaction serialises writers.
 * With `wait: false` it returns `{ acquired: false }` at once when another holder has the lock.
 */
export const withLock = async <T>(
  knex: Knex,
  name: string,
  fn: (trx: Knex.Transaction) => Promise<T>,
  { wait = true, timeoutSeconds = 60 } = {}
): Promise<{ acquired: true; result: T } | { acquired: false }> => {
  const dialect = dialectOf(knex);
  return knex.transaction(async (trx) => {
    if (dialect === 'postgres') {
      if (wait) await trx.raw('select pg_advisory_xact_lock(?)', [lockKey(name)]);
      else {
        const { rows } = await trx.raw('select pg_try_advisory_xact_lock(?) as ok', [lockKey(name)]);
        if (!rows[0].ok) return { acquired: false as const };
      }
      return { acquired: true as const, result: await fn(trx) };
    }
    if (dialect === 'mysql') {
      const [rows] = await trx.raw('select get_lock(?, ?) as ok', [name.slice(0, 64), wait ? timeoutSeconds : 0]);
      if (Number(rows[0].ok) !== 1) {
        if (wait) throw new Error(`Timed out after ${timeoutSeconds}s waiting for lock "${name}"`);
        return { acquired: false as const };
      }
      try {
        return { acquired: true as const, result: await fn(trx) };
      } finally {
        await trx.raw('select release_lock(?)', [name.slice(0, 64)]);
      }
    }
    return { acquired: true as const, result: await fn(trx) };
  });
};
