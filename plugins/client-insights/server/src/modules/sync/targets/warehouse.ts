import knexFactory, { type Knex } from 'knex';
import type { SyncKind } from '../../../../../shared/contracts/sync';
import { SYNC_TARGET_TABLES } from '../../../core/db/tables';
import { COLUMNS, KEY_COLUMNS, keyOf, type SyncRow } from '../rows';
import type { Rejection, SyncBatch, SyncTarget } from './types';

export type WarehouseSettings = { client: 'postgres' | 'mysql'; host: string; port?: number; database: string; user: string; ssl?: boolean };

/** A warehouse's connection: its own small pool, closed when the run ends. */
export const connectWarehouse = (settings: WarehouseSettings, password: string | null): Knex =>
  knexFactory({
    client: settings.client === 'postgres' ? 'pg' : 'mysql2',
    connection: {
      host: settings.host,
      port: settings.port ?? (settings.client === 'postgres' ? 5432 : 3306),
      database: settings.database,
      user: settings.user,
      password: password ?? undefined,
      ssl: settings.ssl ? { rejectUnauthorized: true } : undefined,
      connectTimeout: 10_000,
    } as Knex.StaticConnectionConfig,
    pool: { min: 0, max: 2 },
  });

/** The destination's tables, created when missing: one row per natural key (its primary key), stamped with when it was synced. */
const createTables = async (db: Knex) => {
  const define: Record<SyncKind, (t: Knex.CreateTableBuilder) => void> = {
    scores: (t) => {
      t.integer('customer_id').primary();
      for (const c of ['r', 'f', 'm']) t.integer(c).nullable();
      t.decimal('rfm', 8, 4).nullable();
      t.string('rfm_segment', 20).nullable();
      t.string('quadrant', 20).nullable();
      t.decimal('clv', 14, 2).nullable();
      for (const c of ['churn_risk', 'renewal_probability', 'upsell_probability']) t.decimal(c, 6, 5).nullable();
      t.string('model_version', 64).nullable();
      t.string('calculated_at', 32).nullable();
    },
    tags: (t) => {
      t.integer('customer_id').notNullable();
      t.integer('tag_id').notNullable();
      t.string('tag_name', 255).nullable();
      t.string('source', 10).nullable();
      t.decimal('confidence', 5, 4).nullable();
      t.string('assigned_at', 32).nullable();
      t.string('expires_at', 32).nullable();
      t.primary(['customer_id', 'tag_id']);
    },
    members: (t) => {
      t.integer('segment_id').notNullable();
      t.integer('customer_id').notNullable();
      t.primary(['segment_id', 'customer_id']);
    },
  };
  for (const kind of Object.keys(define) as SyncKind[]) {
    const table = SYNC_TARGET_TABLES[kind];
    if (await db.schema.hasTable(table)) continue;
    await db.schema.createTable(table, (t) => {
      define[kind](t);
      t.datetime('synced_at', { useTz: false }).notNullable();
    });
  }
};

/** Upserts and deletes of one batch in one destination transaction: all of it or none. */
const apply = async (db: Knex, batch: SyncBatch, at: Date) => {
  const table = SYNC_TARGET_TABLES[batch.kind];
  const keys = KEY_COLUMNS[batch.kind];
  const merge = COLUMNS[batch.kind].filter((c) => !keys.includes(c));
  await db.transaction(async (trx) => {
    if (batch.deletes.length) {
      await trx(table)
        .whereIn(
          keys as string[],
          batch.deletes.map((r) => keys.map((k) => r[k]))
        )
        .delete();
    }
    for (let i = 0; i < batch.upserts.length; i += 1000) {
      const rows = batch.upserts.slice(i, i + 1000).map((r) => ({ ...r, synced_at: at }));
      await trx(table)
        .insert(rows)
        .onConflict(keys as string[])
        .merge([...merge, 'synced_at']);
    }
  });
};

/**
 * A PostgreSQL or MySQL/MariaDB warehouse: batches are upserted by natural key (insert … on
 * conflict / on duplicate key update), so a batch applied twice leaves the same rows. A batch the
 * database refuses as a whole for its data is applied row by row: the rows it refuses are
 * rejected with its words, the rest are written.
 */
export const warehouseTarget = (settings: WarehouseSettings, password: string | null): SyncTarget => {
  const db = connectWarehouse(settings, password);
  return {
    async prepare({ mode, resumed }) {
      await createTables(db);
      // A full reload empties the tables once, at its start (not again when it resumes).
      if (mode === 'full' && !resumed) for (const table of Object.values(SYNC_TARGET_TABLES)) await db(table).delete();
    },
    async send(batch) {
      const at = new Date();
      try {
        await apply(db, batch, at);
        return [];
      } catch (error) {
        if (!isDataError(error)) throw error;
      }
      const rejected: Rejection[] = [];
      await apply(db, { ...batch, upserts: [] }, at);
      for (const row of batch.upserts) {
        try {
          await apply(db, { ...batch, deletes: [], upserts: [row] }, at);
        } catch (error) {
          if (!isDataError(error)) throw error;
          rejected.push({ key: keyOf(batch.kind, row as SyncRow), reason: databaseWords(error) });
        }
      }
      return rejected;
    },
    close: () => db.destroy(),
  };
};

/** The database's words without the statement knex puts before them (`insert into … - value too long …`). */
const databaseWords = (error: unknown) =>
  String((error as Error).message)
    .split('\n')[0]
    .split(' - ')
    .pop()!
    .slice(0, 200);

/** A refusal of the data (out of range, too long, bad value: SQLSTATE class 22 or 23; MySQL's 1264, 1366, 1406), not of the connection. */
const isDataError = (error: unknown) => {
  const e = error as { code?: string; errno?: number };
  return (typeof e.code === 'string' && /^2[23]/.test(e.code)) || [1264, 1366, 1406, 1048].includes(Number(e.errno));
};
