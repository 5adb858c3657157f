import type { Knex } from 'knex';
import { dialectOf, type Dialect } from './client';
import { withStatementTimeout } from './transactions';

/** Gives one transaction's big grouped queries memory to hash in (PostgreSQL `work_mem`, default 4 MB). */
export const allowBigAggregates = async (trx: Knex, megabytes = 256): Promise<void> => {
  if (dialectOf(trx) === 'postgres') await trx.raw(`set local work_mem = '${Math.floor(megabytes)}MB'`);
};

/** The rule compiler's strategy (rules/compile.ts) a whole-table statement was built with. */
type WholeTableOptions = {
  strategy?: 'join' | 'probe';
  timeoutMs?: number;
  sortUnion?: boolean;
  /** Probe strategy: join by merge along the customer key, never by hash (see below). */
  mergeJoins?: boolean;
  /** No nested loops: a grouped union estimated at 200 customers (compile.ts groupedUnion). */
  noNestLoops?: boolean;
};

/**
 * Tunes the current transaction for statements over every customer (previews, segment runs):
 * PostgreSQL hashes and sorts in memory instead of spilling at the 4 MB default work_mem,
 * skips JIT compilation (0.2 s at 100k customers, 2 s at 1M, more than these statements gain),
 * and, for the join strategy, uses hash joins and no parallel workers (see below). Other
 * databases: nothing to tune.
 */
export const tuneForWholeTable = async (
  trx: Knex.Transaction,
  { strategy = 'join', sortUnion = false, mergeJoins = false, noNestLoops = false }: WholeTableOptions = {}
): Promise<void> => {
  await allowBigAggregates(trx, 64);
  if (dialectOf(trx) !== 'postgres') return;
  await trx.raw('set local jit = off');
  // The join strategy (rules/compile.ts) joins one grouped subquery per custom operator; with
  // several of them the planner's row estimates collapse and it picks nested loops that redo an
  // aggregate per customer (seconds → minutes). Hash joins are right for it. The probe strategy
  // has no grouped subqueries, and a few candidates are best looked up by nested loop.
  if (strategy === 'join' || noNestLoops) await trx.raw('set local enable_nestloop = off');
  // Under the join strategy each parallel worker would build its own copy of every grouped
  // subquery's hash table (measured: 3x the aggregation work at 1M customers); one process does
  // it once. The probe strategy's semi-joins share one parallel hash: workers help there.
  if (strategy === 'join') await trx.raw('set local max_parallel_workers_per_gather = 0');
  // A top-level union of customers (rules/strategy.ts sortUnion): its duplicates removed by a sort,
  // then merge-joined along the customers' key. Hashed, 1.4M rows into 565k groups took 0.6 s
  // and the customers were hashed too: 1.3 s for the match at 1M customers, 0.5-0.7 s sorted. The
  // probe strategy has no other grouping than the preview's few risk levels.
  if (sortUnion) await trx.raw('set local enable_hashagg = off');
  // Hash joins off for a probe statement whose joins are all by customer id over most customers
  // (a sorted union, or a broad preview joining both rollups, preview.ts): the planner hashed all
  // 1M customers (or metrics rows) to probe them (seven signals at 1M: 0.9-1.1 s for the match),
  // where a merge join walks the keys side by side (0.53-0.55 s; hand SQL 0.44-0.52 s). The join
  // strategy's grouped subqueries need their hash joins: left alone.
  if (strategy === 'probe' && (sortUnion || mergeJoins)) await trx.raw('set local enable_hashjoin = off');
};

/** The join-shape settings tuneForWholeTable may set (memory and JIT stay as they are). */
const JOIN_SHAPE = ['enable_nestloop', 'max_parallel_workers_per_gather', 'enable_hashagg', 'enable_hashjoin'];

/**
 * Gives the rest of a tuned transaction the planner's own choice of joins back. A segment run
 * follows its whole-table match with small statements (its diff and statistics over about its
 * members): with nested loops still off, the statistics of 1,000 members hash-joined every
 * customer and metrics row, 300 ms at 1M customers instead of 30.
 */
export const untuneJoins = async (trx: Knex.Transaction): Promise<void> => {
  if (dialectOf(trx) !== 'postgres') return;
  for (const setting of JOIN_SHAPE) await trx.raw(`set local ${setting} to default`);
};

/** Runs `fn` in a transaction tuned by tuneForWholeTable. */
export const wholeTableStatement = async <T>(knex: Knex, fn: (trx: Knex.Transaction) => Promise<T>, options: WholeTableOptions = {}): Promise<T> =>
  knex.transaction(async (trx) => {
    await tuneForWholeTable(trx, options);
    return options.timeoutMs ? withStatementTimeout(trx, options.timeoutMs, () => fn(trx)) : fn(trx);
  });

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

/**
 * Left-joins `table` as `alias` on `alias.key = on`, for a page of a keyset walk over
 * customer ids past `after`: the bound is repeated in the join's condition (it changes nothing
 * there, the joined id equals the page's). PostgreSQL does not carry an inequality across a join's
 * equality, so without it a merge join read the joined table from its first id on every page, and
 * a 1M-customer walk slowed page after page (230 s instead of 35 s for an export).
 */
export const leftJoinPastId = (query: Knex.QueryBuilder, table: string, alias: string, key: string, on: string, after: number): Knex.QueryBuilder =>
  query.leftJoin(`${table} as ${alias}`, (j) => j.on(`${alias}.${key}`, on).andOnVal(`${alias}.${key}`, '>', after));

/**
 * `with name as (query)`, or with `inline` on PostgreSQL `with name as not materialized (query)`:
 * each reference plans the query anew. A CTE read twice is otherwise computed once into a
 * scan that one process reads, which costs a broad match its parallel workers.
 */
export const withQuery = (knex: Knex, name: string, query: Knex.QueryBuilder, inline: boolean): Knex.QueryBuilder =>
  inline && dialectOf(knex) === 'postgres' ? knex.withNotMaterialized(name, query) : knex.with(name, query);

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

/**
 * Joins, as `alias(a, b, pos)`, the given integer pairs numbered from 1 in their order, on the
 * condition `on`; false (nothing joined) where the database has no cheap constant table, and the
 * caller does the work in Node. PostgreSQL: `unnest` of two arrays, two bindings whatever the
 * number of pairs, estimated at its true size so the planner hashes it.
 */
export const joinNumberedPairs = (
  knex: Knex,
  query: Knex.QueryBuilder,
  alias: string,
  [a, b]: [string, string],
  pairs: [number, number][],
  on: string
): boolean => {
  if (dialectOf(knex) !== 'postgres') return false;
  query.joinRaw(`join unnest(?::bigint[], ?::bigint[]) with ordinality as ${alias}(${a}, ${b}, pos) on ${on}`, [
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  ]);
  return true;
};

/**
 * True when the planner evaluates a correlated probe at the lowest join its columns allow
 * (PostgreSQL): below the semi- and anti-joins, so for every row those joins would have removed.
 * The rule compiler then fences the joins in a subquery and probes what is left.
 */
export const probesNeedFence = (dialect: Dialect): boolean => dialect === 'postgres';

/**
 * True when the database gives cheap row estimates for a query without running it (PostgreSQL's
 * EXPLAIN; see estimatedRows). SQLite and MySQL have none to decide with.
 */
export const hasPlanEstimates = (knex: Knex): boolean => dialectOf(knex) === 'postgres';

/** PostgreSQL's estimate of the rows a query returns (planning only, no execution). */
export const estimatedRows = async (knex: Knex, query: { sql: string; bindings: readonly unknown[] }): Promise<number> => {
  const { rows } = await knex.raw(`explain (format json) ${query.sql}`, query.bindings as any[]);
  return Number(rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
};

/** PostgreSQL's estimate of `table`'s rows from its statistics; null when it has none yet. */
export const estimatedTableRows = async (knex: Knex, table: string): Promise<number | null> => {
  const { rows } = await knex.raw("select reltuples from pg_class where relname = ? and relkind = 'r'", [table]);
  const estimate = Number(rows[0]?.reltuples ?? -1);
  return estimate > 0 ? estimate : null;
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
    const { rows } = await knex.raw('select relname from pg_stat_user_tables where relname = any(?) and last_analyze is null and last_autoanalyze is null', [
      tables,
    ]);
    names = rows.map((r: { relname: string }) => r.relname);
  }
  // VACUUM also sets the visibility map, so freshly bulk-loaded tables get index-only scans.
  const command = vacuum ? 'vacuum (analyze)' : 'analyze';
  for (const name of names) await knex.raw(`${command} "${name.replace(/"/g, '""')}"`);
  return names;
};
