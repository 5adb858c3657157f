import type { Knex } from 'knex';
import { analyzeTables, joinRowByKey, nonLockingReads, withLock } from '../../core/db/dialect';
import { insertSelect } from '../../core/db/insert-select';
import { HOST_TABLES as H, TABLES } from '../../core/db/tables';
import { ID_CHUNK, rebuild, refresh } from './rollup';

/**
 * Keeping the rollup current: a durable queue, not the writer's transaction.
 *
 * Lifecycle hooks write the affected customer ids to `ci_metrics_dirty` through the writer's own
 * transaction (Strapi 5's Document Service wraps create/update/delete in `strapi.db.transaction`
 * and the hooks run inside it), so a mark commits or rolls back with the write. Right after the
 * commit the marks are drained: the rows of those customers are recomputed from committed data and
 * the marks deleted, in one transaction. Marks left by a crash are drained at startup and by a
 * once-a-minute job. Why not recompute inside the writer's transaction: two concurrent writers for
 * one customer would each compute from a snapshot missing the other's row, and the last upsert
 * would win with a stale value; drains run one at a time under a database lock, reading only
 * committed data, so the last drain always sees every committed write. It also keeps the
 * writer's transaction short.
 */
export const METRICS_LOCK = 'client-insights:metrics';
/** Marks handled per drain pass (each pass is one short transaction). */
const DRAIN_BATCH = 5000;
/**
 * Above this many marks, catching up rebuilds every row in one pass instead of draining: a bulk
 * load around Strapi drained by batches took about 18 minutes per million customers, a rebuild
 * about one minute.
 */
const REBUILD_ABOVE = 50_000;

const cleanIds = (ids: Iterable<unknown>) => [...new Set([...ids].map(Number))].filter((id) => Number.isInteger(id) && id > 0);

/** Records that these customers' metrics must be recomputed; `knex` is usually the writer's transaction. */
export const markDirty = async (knex: Knex, customerIds: Iterable<unknown>): Promise<void> => {
  const ids = cleanIds(customerIds);
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    await knex(TABLES.metricsDirty).insert(ids.slice(i, i + ID_CHUNK).map((customer_id) => ({ customer_id })));
  }
};

/**
 * Customers whose facts are pending: marked, still without a rollup row (written, not yet drained).
 * Segment runs skip them and say how many. Read from the marks, not from an anti-join of every
 * customer against the rollup: that was 140-470 ms of every run at 1M customers.
 */
export const pendingFacts = async (knex: Knex): Promise<number> => {
  // Each mark looks its customer and row up by key (see joinRowByKey): the queue's statistics swing
  // with every drain, and on a stale estimate PostgreSQL hashed every rollup row to anti-join a
  // handful of marks (160 ms of each run at 1M right after a rebuild answered a million marks).
  const query = knex(`${TABLES.metricsDirty} as d`);
  joinRowByKey(knex, query, H.customers, 'c', 'id', 'd.customer_id');
  joinRowByKey(knex, query, TABLES.metrics, 'm', 'customer_id', 'd.customer_id');
  const row = await query.whereNotNull('c.id').whereNull('m.customer_id').first(knex.raw('count(distinct d.customer_id) as n'));
  return Number(row?.n ?? 0);
};

/**
 * Marks the customers that have no rollup row and no mark: written around Strapi (SQL, an import
 * tool), so no lifecycle marked them. The one whole-table anti-join of the queue, at start and
 * hourly, rather than one in every segment run.
 */
export const markUnrolled = async (knex: Knex): Promise<void> => {
  const missing = knex(`${H.customers} as c`)
    .select('c.id')
    .whereNotExists(knex(`${TABLES.metrics} as m`).select(knex.raw('1')).where('m.customer_id', knex.ref('c.id')))
    .whereNotExists(knex(`${TABLES.metricsDirty} as d`).select(knex.raw('1')).where('d.customer_id', knex.ref('c.id')));
  await insertSelect(knex, TABLES.metricsDirty, ['customer_id'], missing);
};

export type MetricsQueue = {
  /** Drains every mark present now (coalescing concurrent calls); resolves when done. */
  drain(): Promise<number[]>;
  /** Full recomputation, serialised with drains. */
  rebuild(): Promise<{ rows: number }>;
  /** Recomputes some customers now, serialised with drains. */
  refresh(customerIds: number[]): Promise<void>;
  /**
   * Marks the customers written around Strapi (markUnrolled), then drains; past `rebuildAbove`
   * marks it rebuilds instead (without announcing the customers as changed, as a rebuild does).
   * Concurrent calls share one pass.
   */
  reconcile(): Promise<number[]>;
};

export type MetricsQueueHooks = {
  /** Runs inside the transaction that refreshed these customers (work that must commit with it). */
  onRefreshed?: (trx: Knex, customerIds: number[]) => Promise<void>;
  /** Runs after that transaction committed. */
  onChanged?: (customerIds: number[]) => void;
};

const moreMarksThan = async (knex: Knex, n: number): Promise<boolean> => {
  const row = await knex
    .from(
      knex(TABLES.metricsDirty)
        .select('id')
        .limit(n + 1)
        .as('d')
    )
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0) > n;
};

export const createMetricsQueue = (knex: Knex, { onRefreshed, onChanged }: MetricsQueueHooks = {}, { rebuildAbove = REBUILD_ABOVE } = {}): MetricsQueue => {
  let running: Promise<number[]> | null = null;
  let again = false;
  let reconciling: Promise<number[]> | null = null;

  /** One pass loop under the lock: read a batch of marks, recompute, delete exactly those marks. */
  const drainPresent = async (): Promise<number[]> => {
    const outcome = await withLock(knex, METRICS_LOCK, async () => {
      const changed = new Set<number>();
      for (;;) {
        const marks: Array<{ id: number; customer_id: number }> = await knex(TABLES.metricsDirty).select('id', 'customer_id').orderBy('id').limit(DRAIN_BATCH);
        if (marks.length === 0) break;
        const ids = cleanIds(marks.map((m) => m.customer_id));
        await knex.transaction(async (trx) => {
          await refresh(trx, ids);
          if (ids.length) await onRefreshed?.(trx, ids);
          // Only the marks read above: a mark committed meanwhile stays for the next pass.
          const markIds = marks.map((m) => m.id);
          for (let i = 0; i < markIds.length; i += ID_CHUNK) {
            await trx(TABLES.metricsDirty)
              .whereIn('id', markIds.slice(i, i + ID_CHUNK))
              .delete();
          }
        }, nonLockingReads(knex));
        ids.forEach((id) => changed.add(id));
        if (ids.length) onChanged?.(ids);
      }
      return [...changed];
    });
    return outcome.acquired ? outcome.result : [];
  };

  const drain = (): Promise<number[]> => {
    if (running) {
      // A drain is under way; it may already have read its batch, so run once more after it.
      again = true;
      return running;
    }
    running = (async () => {
      const all = new Set<number>();
      try {
        do {
          again = false;
          (await drainPresent()).forEach((id) => all.add(id));
        } while (again);
      } finally {
        running = null;
      }
      return [...all];
    })();
    return running;
  };

  const rebuildAll = async () => {
    const outcome = await withLock(knex, METRICS_LOCK, () => rebuild(knex));
    if (!outcome.acquired) throw new Error('metrics lock not acquired');
    // Every row was rewritten: VACUUM (PostgreSQL; not possible inside the rebuild's transaction)
    // sets the visibility map, so rule windows get index-only scans instead of heap visits. The
    // queue too: every mark it held is now a dead row.
    await analyzeTables(knex, [TABLES.metrics, TABLES.customerEvents, TABLES.customerOrders, TABLES.metricsDirty], { always: true, vacuum: true });
    return outcome.result;
  };

  return {
    drain,
    reconcile() {
      reconciling ??= (async () => {
        try {
          await markUnrolled(knex);
          if (await moreMarksThan(knex, rebuildAbove)) await rebuildAll();
          return await drain();
        } finally {
          reconciling = null;
        }
      })();
      return reconciling;
    },
    rebuild: rebuildAll,
    async refresh(customerIds) {
      const ids = cleanIds(customerIds);
      await withLock(knex, METRICS_LOCK, () =>
        knex.transaction(async (trx) => {
          await refresh(trx, ids);
          if (ids.length) await onRefreshed?.(trx, ids);
        }, nonLockingReads(knex))
      );
      if (ids.length) onChanged?.(ids);
    },
  };
};
