import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type { Knex } from 'knex';
import { joinSql, raw, sql, type Sql } from './sql-fragment';

/** The only place that branches on the database client; everything else asks here. */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export const dialectOf = (knex: Knex): Dialect => {
  const client = String((knex.client as any).config?.client ?? (knex.client as any).dialect ?? '');
  if (client.includes('sqlite')) return 'sqlite';
  if (client.includes('pg') || client.includes('postgres')) return 'postgres';
  if (client.includes('mysql') || client.includes('maria')) return 'mysql';
  throw new Error(`Unsupported database client "${client}"`);
};

/** Binds a datetime as the column stores it: SQLite keeps Strapi datetimes as epoch milliseconds. */
export const bindDate = (knex: Knex, date: Date): Date | number => (dialectOf(knex) === 'sqlite' ? date.getTime() : date);

/** Reads a stored datetime back (epoch ms on SQLite, Date or UTC string elsewhere); null stays null. */
export const readDate = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  // PostgreSQL / MySQL strings without a zone are UTC (processes run with TZ=UTC).
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
};

/**
 * Bounds every later statement of transaction `trx` to `ms` (PostgreSQL `SET LOCAL statement_timeout`,
 * gone with the transaction). Elsewhere callers check their deadline between statements.
 */
export const setStatementTimeout = async (trx: Knex.Transaction, ms: number): Promise<void> => {
  if (dialectOf(trx) === 'postgres') await trx.raw(`set local statement_timeout = ${Math.max(1, Math.ceil(ms))}`);
};

/** True when `error` is a statement cancelled by `setStatementTimeout`. */
export const isStatementTimeout = (error: unknown): boolean => {
  const e = error as { code?: string; errno?: number; message?: string };
  return e?.code === '57014' || e?.errno === 1969 || /max_statement_time|statement timeout/i.test(e?.message ?? '');
};

/** True when `error` is a unique-constraint violation (PostgreSQL, MySQL/MariaDB or SQLite). */
export const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; errno?: number; message?: string };
  return e?.code === '23505' || e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || /UNIQUE constraint failed/.test(e?.message ?? '');
};

/** Deadlocks, serialisation failures, lock waits and dropped connections: worth retrying. */
export const isTransientError = (error: unknown): boolean => {
  const e = error as { code?: string; errno?: number; message?: string };
  const code = String(e?.code ?? '');
  if (['40001', '40P01', '55P03', '57P01', '08000', '08003', '08006', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'].includes(code)) return true;
  return e?.errno === 1213 || e?.errno === 1205 || /Knex: Timeout acquiring a connection/.test(e?.message ?? '');
};

/**
 * Transaction options for bulk `insert ... select` that must not lock the rows it reads: InnoDB's
 * default REPEATABLE READ takes shared locks on the source rows and deadlocks concurrent writers.
 * PostgreSQL reads without locks already; SQLite has no isolation levels.
 */
export const nonLockingReads = (knex: Knex): Knex.TransactionConfig | undefined =>
  dialectOf(knex) === 'mysql' ? { isolationLevel: 'read committed' } : undefined;

/** Gives one transaction's big grouped queries memory to hash in (PostgreSQL `work_mem`, default 4 MB). */
export const allowBigAggregates = async (trx: Knex, megabytes = 256): Promise<void> => {
  if (dialectOf(trx) === 'postgres') await trx.raw(`set local work_mem = '${Math.floor(megabytes)}MB'`);
};

/** The rule compiler's strategy (rules/compile.ts) a whole-table statement was built with. */
type WholeTableOptions = { strategy?: 'join' | 'probe' };

/**
 * Tunes the current transaction for statements over every customer (previews, segment runs):
 * PostgreSQL hashes and sorts in memory instead of spilling at the 4 MB default work_mem,
 * skips JIT compilation (0.2 s at 100k customers, 2 s at 1M, more than these statements gain),
 * and, for the join strategy, uses hash joins and no parallel workers (see below). Other
 * databases: nothing to tune.
 */
export const tuneForWholeTable = async (trx: Knex.Transaction, { strategy = 'join' }: WholeTableOptions = {}): Promise<void> => {
  await allowBigAggregates(trx, 64);
  if (dialectOf(trx) !== 'postgres') return;
  await trx.raw('set local jit = off');
  // The join strategy (rules/compile.ts) joins one grouped subquery per custom operator; with
  // several of them the planner's row estimates collapse and it picks nested loops that redo an
  // aggregate per customer (seconds → minutes). Hash joins are right for it. The probe strategy
  // has no grouped subqueries, and a few candidates are best looked up by nested loop.
  if (strategy === 'join') await trx.raw('set local enable_nestloop = off');
  // Under the join strategy each parallel worker would build its own copy of every grouped
  // subquery's hash table (measured: 3x the aggregation work at 1M customers); one process does
  // it once. The probe strategy's semi-joins share one parallel hash: workers help there.
  if (strategy === 'join') await trx.raw('set local max_parallel_workers_per_gather = 0');
};

/**
 * Left-joins, as `alias`, the row of `table` whose unique `key` equals `on`, for each row of
 * `query`. PostgreSQL gets a LATERAL lookup by index: a plain join let the planner hash the whole
 * table (about 0.5 s for metrics or customers at 1M) to find a few thousand rows; `limit 1` keeps
 * it from flattening the lookup back into that join. SQLite and MySQL look such joins up by index.
 */
export const joinRowByKey = (knex: Knex, query: Knex.QueryBuilder, table: string, alias: string, key: string, on: string): Knex.QueryBuilder =>
  dialectOf(knex) === 'postgres'
    ? query.joinRaw(`left join lateral (select * from ${table} where ${key} = ${on} limit 1) ${alias} on true`)
    : query.leftJoin(`${table} as ${alias}`, `${alias}.${key}`, on);

/** Runs `fn` in a transaction tuned by tuneForWholeTable. */
export const wholeTableStatement = async <T>(knex: Knex, fn: (trx: Knex.Transaction) => Promise<T>, options: WholeTableOptions = {}): Promise<T> =>
  knex.transaction(async (trx) => {
    await tuneForWholeTable(trx, options);
    return fn(trx);
  });

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

/**
 * Runs schema changes atomically where the database can (PostgreSQL, SQLite); MySQL commits
 * every DDL statement implicitly, so there the steps simply run in order.
 */
export const ddlTransaction = async <T>(knex: Knex, fn: (trx: Knex) => Promise<T>): Promise<T> =>
  dialectOf(knex) === 'mysql' ? fn(knex) : knex.transaction((trx) => fn(trx));

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
 * Runs `fn` while holding a lock named `name` across every process on this database, without
 * keeping a transaction open (jobs may run for minutes and use other connections).
 * PostgreSQL: session advisory lock; MySQL: GET_LOCK; both on a connection reserved for the lock,
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
    const mysqlName = name.slice(0, 64);
    try {
      if (dialect === 'postgres') {
        const sql = wait ? 'select pg_advisory_lock(?) as ok' : 'select pg_try_advisory_lock(?) as ok';
        const { rows } = await onLockConnection(sql, [lockKey(name)]);
        if (!wait && !rows[0].ok) return { acquired: false };
      } else {
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

// ---- Rule SQL (rules/compile.ts): the few places where the three databases disagree. ----

/** A bound number. PostgreSQL infers an untyped parameter's type from the column (an integer
 * column would refuse 2.5), so it gets an explicit type; the others take it as is. */
export const numberParam = (dialect: Dialect, value: number, integer: boolean): Sql =>
  dialect === 'postgres' ? sql`cast(${value} as ${raw(integer ? 'bigint' : 'numeric')})` : sql`${value}`;

/** Money (two decimals) in whole cents, as a 64-bit integer: exact on every database. */
export const moneyCents = (dialect: Dialect, expr: Sql): Sql =>
  sql`cast(round(${expr} * 100) as ${raw(dialect === 'mysql' ? 'signed' : dialect === 'postgres' ? 'bigint' : 'integer')})`;

/** `a / b` for integers where b divides a (MySQL's `/` answers a decimal). */
export const exactIntegerDivide = (dialect: Dialect, a: Sql, b: Sql): Sql => (dialect === 'mysql' ? sql`(${a} div ${b})` : sql`(${a} / ${b})`);

/** A bound datetime, stored as the column stores it (see bindDate). */
export const dateParam = (knex: Knex, value: Date): Sql => sql`${bindDate(knex, value)}`;

/** Exact text equality, as JS `===`: MySQL's default collations ignore case and trailing spaces,
 * so it also compares the bytes (the plain `=` stays, to keep the index usable). */
export const textEquals = (dialect: Dialect, expr: Sql, value: string): Sql =>
  dialect === 'mysql' ? sql`(${expr} = ${value} and cast(${expr} as binary) = cast(${value} as binary))` : sql`${expr} = ${value}`;

/** Exact membership in a list of texts (see textEquals). */
export const textIn = (dialect: Dialect, expr: Sql, values: string[]): Sql => {
  const list = joinSql(values.map((v) => sql`${v}`), ', ');
  if (dialect !== 'mysql') return sql`${expr} in (${list})`;
  const binaryList = joinSql(values.map((v) => sql`cast(${v} as binary)`), ', ');
  return sql`(${expr} in (${list}) and cast(${expr} as binary) in (${binaryList}))`;
};

/** Case-sensitive "contains" of a non-empty text (JS `String.prototype.includes`). */
export const textContains = (dialect: Dialect, expr: Sql, text: string): Sql => {
  if (dialect === 'postgres') return sql`strpos(${expr}, ${text}) > 0`;
  if (dialect === 'mysql') return sql`instr(cast(${expr} as binary), cast(${text} as binary)) > 0`;
  return sql`instr(${expr}, ${text}) > 0`;
};

// ---- Value models (values/): day arithmetic on stored datetimes, integer casts, bulk loads. ----

/** Whole days from datetime `expr` to instant `now`, floored, for `expr <= now` (SQLite: integer ms division). */
export const daysSince = (knex: Knex, expr: Sql, now: Date): Sql => {
  const dialect = dialectOf(knex);
  // Bound numbers may arrive as REAL: divide as floats, then truncate (= floor, the difference is ≥ 0).
  if (dialect === 'sqlite') return sql`cast((${now.getTime()} - ${expr}) / 86400000.0 as integer)`;
  if (dialect === 'postgres') return sql`floor(extract(epoch from (cast(${now} as timestamp) - ${expr})) / 86400)`;
  return sql`floor(timestampdiff(second, ${expr}, ${now}) / 86400)`;
};

/**
 * A whole number as the dialect's integer type. PostgreSQL sums bigints as numeric, whose
 * arithmetic is several times slower than integer arithmetic in expressions over every customer.
 */
export const castInteger = (knex: Knex, expr: Sql): Sql =>
  dialectOf(knex) === 'mysql' ? sql`cast(${expr} as signed)` : sql`cast(${expr} as integer)`;

/** Fractional days from datetime `from` to datetime `to` (either may be a bound instant via dateParam). */
export const elapsedDays = (knex: Knex, from: Sql, to: Sql): Sql => {
  const dialect = dialectOf(knex);
  if (dialect === 'sqlite') return sql`((${to} - ${from}) / 86400000.0)`;
  if (dialect === 'postgres') return sql`(extract(epoch from (cast(${to} as timestamp) - cast(${from} as timestamp))) / 86400.0)`;
  return sql`(timestampdiff(microsecond, ${from}, ${to}) / 86400000000.0)`;
};

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in PostgreSQL COPY text format; numbers (most values) skip the escaping test. */
export const copyText = (value: unknown): string => {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPED[c]) : text;
};

/**
 * PostgreSQL `COPY table (columns) FROM STDIN` of `rows` (text format, copyText), streamed in
 * chunks with back-pressure; returns the number of rows. `freeze`: the table was created or
 * truncated in the current transaction, so the rows may be written already frozen (sparing VACUUM
 * a rewrite of every page). Runs on the transaction's connection when `knex` is a transaction.
 */
export const copyRows = async (
  knex: Knex,
  table: string,
  columns: string[],
  rows: Iterable<readonly unknown[]>,
  { freeze = false } = {}
): Promise<number> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { from: copyFrom } = require('pg-copy-streams');
  let count = 0;
  const chunks = function* () {
    let buffer: string[] = [];
    for (const row of rows) {
      buffer.push(`${row.map(copyText).join('\t')}\n`);
      count += 1;
      if (buffer.length >= 5000) {
        yield buffer.join('');
        buffer = [];
      }
    }
    if (buffer.length) yield buffer.join('');
  };
  const connection = await (knex.client as any).acquireConnection();
  try {
    const sql = `copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) from stdin${freeze ? ' with (freeze)' : ''}`;
    await pipeline(Readable.from(chunks()), connection.query(copyFrom(sql)));
  } finally {
    await (knex.client as any).releaseConnection(connection);
  }
  return count;
};

/**
 * Appends many rows to `table`: PostgreSQL COPY (one round trip per batch stream), elsewhere
 * multi-row INSERTs of `chunk` rows. Values are numbers, strings or null.
 */
export const bulkInsert = async (
  knex: Knex,
  table: string,
  columns: string[],
  rows: Iterable<Array<number | string | null>>,
  chunk = 500
): Promise<number> => {
  if (dialectOf(knex) === 'postgres') return copyRows(knex, table, columns, rows);
  let count = 0;
  let batch: Record<string, unknown>[] = [];
  for (const row of rows) {
    batch.push(Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    count += 1;
    if (batch.length >= chunk) {
      await knex(table).insert(batch);
      batch = [];
    }
  }
  if (batch.length) await knex(table).insert(batch);
  return count;
};

/**
 * Refreshes planner statistics (PostgreSQL only; the others estimate well enough here) for `tables`:
 * always with `always`, else only those never analysed. A bulk-loaded table without statistics
 * (autovacuum off or not yet run) makes PostgreSQL estimate 1 row and choose nested loops over
 * aggregates, which turns a seconds-long statement into minutes.
 */
export const analyzeTables = async (knex: Knex, tables: string[], { always = false, vacuum = false } = {}): Promise<string[]> => {
  if (dialectOf(knex) !== 'postgres' || !tables.length) return [];
  let names = tables;
  if (!always) {
    const { rows } = await knex.raw(
      'select relname from pg_stat_user_tables where relname = any(?) and last_analyze is null and last_autoanalyze is null',
      [tables]
    );
    names = rows.map((r: { relname: string }) => r.relname);
  }
  // VACUUM also sets the visibility map, so freshly bulk-loaded tables get index-only scans.
  const command = vacuum ? 'vacuum (analyze)' : 'analyze';
  for (const name of names) await knex.raw(`${command} "${name.replace(/"/g, '""')}"`);
  return names;
};

/**
 * Runs `fn` in a transaction whose sorts and hashes may use `mb` MB each (PostgreSQL
 * `SET LOCAL work_mem`, gone with the transaction): window functions over a million rows would
 * otherwise spill to disk at the 4 MB default. JIT is off too: these statements are planned as
 * expensive, so PostgreSQL compiles them (~0.1 s per statement at 100k customers, seconds at 1M)
 * for expression evaluation that is not their cost (sorts, hashes, writes). Elsewhere a plain transaction.
 */
export const withWorkMem = <T>(knex: Knex, mb: number, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
  knex.transaction(async (trx) => {
    await allowBigAggregates(trx, Math.max(4, mb));
    if (dialectOf(trx) === 'postgres') await trx.raw('set local jit = off');
    return fn(trx);
  });
