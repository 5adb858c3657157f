import type { Knex } from 'knex';
import { HOST_TABLES as H } from '../db/tables';
import { decryptValue, ENCRYPTED_FIELDS, encryptText, HASH_COLUMNS, HASHED_FIELDS, hashValue, keyIdOf, keyring, type HashedField } from './field-crypto';

/**
 * The customers table's encrypted columns as knex sees them (field-crypto.ts has the format):
 * filling the hash columns after a write, re-encrypting rows under the current key, and the ids a
 * plaintext value matches exactly. Everything that reads or writes these columns without Strapi's
 * entity manager goes through here or through field-crypto.ts.
 */

const COLUMNS = ['id', ...ENCRYPTED_FIELDS, ...Object.values(HASH_COLUMNS)];

/**
 * The stored form of one row: each value under the current key (judged by the key id it names, as
 * the SQL of `whereNeedsWork` does; its integrity is checked when it is read) and hashes matching
 * the plaintext; null when nothing changes.
 */
const restored = (row: Record<string, unknown>): Record<string, unknown> | null => {
  const ring = keyring();
  const update: Record<string, unknown> = {};
  for (const field of ENCRYPTED_FIELDS) {
    const value = row[field];
    if (value !== null && value !== undefined && keyIdOf(String(value)) !== ring.current) update[field] = encryptText(decryptValue(value, ring)!, ring);
  }
  for (const field of HASHED_FIELDS) {
    const hash = hashValue(field, decryptValue(row[field], ring), ring);
    if (hash !== (row[HASH_COLUMNS[field]] ?? null)) update[HASH_COLUMNS[field]] = hash;
  }
  return Object.keys(update).length > 0 ? update : null;
};

/** Rows with a value not under the current key (plain, or an older key) or a value without its hash. */
const whereNeedsWork = (query: Knex.QueryBuilder) => {
  const prefix = `enc:v1:${keyring().current}:%`;
  return query.where((w) => {
    for (const field of ENCRYPTED_FIELDS) w.orWhere((f) => f.whereNotNull(field).andWhereNot(field, 'like', prefix));
    for (const field of HASHED_FIELDS) w.orWhere((f) => f.whereNotNull(field).whereNull(HASH_COLUMNS[field]));
  });
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
  for (let i = 0; i < ids.length; i += 500)
    changed += await rewrite(
      knex,
      await knex(table)
        .select(COLUMNS)
        .whereIn('id', ids.slice(i, i + 500)),
      table
    );
  return changed;
};

/**
 * One batch of re-encryption: up to `size` customers after id `afterId` that need work
 * (whereNeedsWork), rewritten in one transaction. Rows already done are skipped by the query, so
 * a stopped pass resumes where it stopped. Returns the last id read (null when none is left).
 */
export const reencryptBatch = async (knex: Knex, afterId: number, size: number, table = H.customers): Promise<{ lastId: number | null; changed: number }> => {
  const rows = await whereNeedsWork(knex(table).select(COLUMNS).where('id', '>', afterId))
    .orderBy('id')
    .limit(size);
  if (rows.length === 0) return { lastId: null, changed: 0 };
  const changed = await knex.transaction((trx) => rewrite(trx, rows, table));
  return { lastId: Number(rows[rows.length - 1].id), changed };
};

/** How many customers need re-encryption (0: every value is under the current key, with its hash). */
export const countNeedingReencryption = async (knex: Knex, table = H.customers): Promise<number> =>
  Number((await whereNeedsWork(knex(table)).count({ n: '*' }).first())?.n ?? 0);

/** Whether any customer needs re-encryption (stops at the first one). */
export const needsReencryption = async (knex: Knex, table = H.customers): Promise<boolean> => Boolean(await whereNeedsWork(knex(table).select('id')).first());

/** Customers with a value but no hash beside it (rows written around Strapi's lifecycles). */
export const idsMissingHashes = async (knex: Knex, table = H.customers): Promise<number[]> =>
  (
    await knex(table)
      .select('id')
      .where((w) => {
        for (const field of HASHED_FIELDS) w.orWhere((f) => f.whereNotNull(field).whereNull(HASH_COLUMNS[field]));
      })
  ).map((r: { id: unknown }) => Number(r.id));

/** Ids of the customers whose `fields` equal one of `values` after normalisation (exact, by hash; indexed). */
export const idsByHash = async (knex: Knex, fields: HashedField[], values: unknown[], table = H.customers): Promise<number[]> => {
  const texts = values.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  if (texts.length === 0 || fields.length === 0) return [];
  const rows = await knex(table)
    .select('id')
    .where((w) => {
      for (const field of fields)
        w.orWhereIn(
          HASH_COLUMNS[field],
          texts.map((t) => hashValue(field, t)!)
        );
    });
  return rows.map((r: { id: unknown }) => Number(r.id));
};

/** A query's condition: customers whose `field` equals `value` after normalisation (exact, by hash). */
export const whereHashEquals = (query: Knex.QueryBuilder, field: HashedField, value: string, alias = 'c') =>
  query.orWhere(`${alias}.${HASH_COLUMNS[field]}`, hashValue(field, value)!);
