import type { Knex } from 'knex';
import { HOST_TABLES as H } from '../db/tables';
import { decryptValue, ENCRYPTED_FIELDS, encryptValue, HASH_COLUMNS, HASHED_FIELDS, hashValue, isCurrent, keyring, type HashedField } from './field-crypto';

/**
 * The customers table's encrypted columns as knex sees them (field-crypto.ts has the format):
 * filling the hash columns after a write, re-encrypting rows under the current key, and the ids a
 * plaintext value matches exactly. Everything that reads or writes these columns without Strapi's
 * entity manager goes through here or through field-crypto.ts.
 */

const COLUMNS = ['id', ...ENCRYPTED_FIELDS, ...Object.values(HASH_COLUMNS)];

/** The stored form of one row: each value under the current key and hashes matching the plaintext; null when nothing changes. */
const restored = (row: Record<string, unknown>): Record<string, unknown> | null => {
  const ring = keyring();
  const update: Record<string, unknown> = {};
  for (const field of ENCRYPTED_FIELDS) {
    const value = row[field];
    if (value !== null && value !== undefined && !isCurrent(value, ring)) update[field] = encryptValue(value, ring);
  }
  for (const field of HASHED_FIELDS) {
    const hash = hashValue(field, decryptValue(row[field], ring), ring);
    if (hash !== (row[HASH_COLUMNS[field]] ?? null)) update[HASH_COLUMNS[field]] = hash;
  }
  return Object.keys(update).length > 0 ? update : null;
};

const rewrite = async (knex: Knex, rows: Record<string, unknown>[], table: string) => {
  let changed = 0;
  for (const row of rows) {
    const update = restored(row);
    if (!update) continue;
    await knex(table).where({ id: row.id }).update(update);
    changed += 1;
  }
  return changed;
};

/**
 * Brings these customers' rows to the stored form: values encrypted under the current key, hashes
 * of their plaintext. Run after every write of customers (the lifecycles in encryption.ts), in the
 * writer's transaction.
 */
export const syncStoredContacts = async (knex: Knex, ids: number[], table = H.customers): Promise<number> => {
  let changed = 0;
  for (let i = 0; i < ids.length; i += 500) changed += await rewrite(knex, await knex(table).select(COLUMNS).whereIn('id', ids.slice(i, i + 500)), table);
  return changed;
};

/**
 * One batch of re-encryption: the next `size` customers after id `afterId`, rewritten where a
 * value is plain, under an older key, or its hash is stale. Returns the last id read (null when
 * done) and how many rows changed, so a job can resume from the last id it recorded.
 */
export const reencryptBatch = async (knex: Knex, afterId: number, size: number, table = H.customers): Promise<{ lastId: number | null; changed: number }> => {
  const rows = await knex(table).select(COLUMNS).where('id', '>', afterId).orderBy('id').limit(size);
  if (rows.length === 0) return { lastId: null, changed: 0 };
  const changed = await knex.transaction((trx) => rewrite(trx, rows, table));
  return { lastId: Number(rows[rows.length - 1].id), changed };
};

/**
 * Whether some stored value is not under the current key or some hash is missing (checked in SQL
 * by the key id in the value's prefix; one pass over the table, stopping at the first such row).
 */
export const needsReencryption = async (knex: Knex, table = H.customers): Promise<boolean> => {
  const prefix = `enc:v1:${keyring().current}:%`;
  const row = await knex(table)
    .select('id')
    .where((w) => {
      for (const field of ENCRYPTED_FIELDS) w.orWhere((f) => f.whereNotNull(field).andWhereNot(field, 'like', prefix));
      for (const field of HASHED_FIELDS) w.orWhere((f) => f.whereNotNull(field).whereNull(HASH_COLUMNS[field]));
    })
    .first();
  return Boolean(row);
};

/** Customers with a value but no hash beside it (rows written around Strapi's lifecycles). */
export const idsMissingHashes = async (knex: Knex, table = H.customers): Promise<number[]> =>
  (
    await knex(table)
      .select('id')
      .where((w) => {
        for (const field of HASHED_FIELDS) w.orWhere((f) => f.whereNotNull(field).whereNull(HASH_COLUMNS[field]));
      })
  ).map((r: { id: unknown }) => Number(r.id));

/** A query's condition: customers whose `field` equals `value` after normalisation (exact, by hash). */
export const whereHashEquals = (query: Knex.QueryBuilder, field: HashedField, value: string, alias = 'c') =>
  query.orWhere(`${alias}.${HASH_COLUMNS[field]}`, hashValue(field, value)!);
