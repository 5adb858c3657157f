import { createHash } from 'crypto';
import type { Knex } from 'knex';
import { dialectOf } from './client';

/** 32-bit key for PostgreSQL advisory locks, stable across processes. */
export const lockKey = (name: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
};

const heldInProcess = new Map<string, Promise<unknown>>();

/**
 * MySQL's GET_LOCK names hold across the whole server, not one database: the name carries the
 * database's, so two apps (or two test databases) on one server do not block each other. At most
 * 64 characters: a longer one is hashed.
 */
const serverWideName = async (run: (sql: string, bindings: unknown[]) => Promise<any>, name: string): Promise<string> => {
  const [[row]] = await run('select database() as db', []);
  const full = `${row?.db ?? ''}:${name}`;
  return full.length <= 64 ? full : createHash('sha1').update(full).digest('hex');
};

/**
 * Runs `fn` while holding a lock named `name` across every process on this database, without
 * keeping a transaction open (jobs may run for minutes and use other connections).
 * PostgreSQL: session advisory lock (its keys are per database); MySQL: GET_LOCK under a name that
 * carries the database's; both on a connection reserved for the lock,
 * so a killed process releases it with its connection. SQLite: one process owns the file.
 * Within one process the same name is also serialised. With `wait: false` it returns
 * `{ acquired: false }` at once when the lock is taken.
 */
export const withLock = async <T>(
  knex: Knex,
  name: string,
  fn: () => Promise<T>,
  { wait = true, timeoutSeconds = 600 } = {}
): Promise<{ acquired: true; result: T } | { acquired: false }> => {
  while (heldInProcess.has(name)) {
    if (!wait) return { acquired: false };
    await heldInProcess.get(name)!.catch(() => undefined);
  }
  let release!: () => void;
  heldInProcess.set(name, new Promise<void>((resolve) => (release = resolve)));
  try {
    const dialect = dialectOf(knex);
    if (dialect === 'sqlite') return { acquired: true, result: await fn() };
    const connection = await (knex.client as any).acquireConnection();
    const onLockConnection = (sql: string, bindings: unknown[]) => knex.raw(sql, bindings as any).connection(connection);
    let mysqlName = '';
    try {
      if (dialect === 'postgres') {
        const sql = wait ? 'select pg_advisory_lock(?) as ok' : 'select pg_try_advisory_lock(?) as ok';
        const { rows } = await onLockConnection(sql, [lockKey(name)]);
        if (!wait && !rows[0].ok) return { acquired: false };
      } else {
        mysqlName = await serverWideName(onLockConnection, name);
        const [rows] = await onLockConnection('select get_lock(?, ?) as ok', [mysqlName, wait ? timeoutSeconds : 0]);
        if (Number(rows[0].ok) !== 1) {
          if (wait) throw new Error(`Timed out after ${timeoutSeconds}s waiting for lock "${name}"`);
          return { acquired: false };
        }
      }
      try {
        return { acquired: true, result: await fn() };
      } finally {
        if (dialect === 'postgres') await onLockConnection('select pg_advisory_unlock(?)', [lockKey(name)]);
        else await onLockConnection('select release_lock(?)', [mysqlName]);
      }
    } finally {
      await (knex.client as any).releaseConnection(connection);
    }
  } finally {
    heldInProcess.delete(name);
    release();
  }
};
