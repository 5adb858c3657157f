import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../constants';
import { hostTables } from '../db/tables';
import { decryptRow, ENCRYPTED_FIELDS, encryptValue, HASH_COLUMNS, HASHED_FIELDS, hashValue, keyring } from './field-crypto';
import { eachDocument, searchWithout, type ModelOf } from './sensitive-params';
import { systemOrSeeing } from './sensitive';
import { idsMissingHashes, syncStoredContacts } from './stored-contacts';

/**
 * Encryption at rest of the customer's sensitive fields, at the one layer every write and read of
 * a customer passes through: Strapi's entity manager (its lifecycles), under the Document Service,
 * the content manager, REST, GraphQL and `strapi.db.query`. Lifecycles run after Strapi validated
 * the attributes, so the email format and lengths are checked on the plaintext.
 *
 * - before a create or update: the sensitive values in the data are encrypted (never stored plain,
 *   not even inside the transaction);
 * - after it: the row's hash columns are brought in line with its values, in the writer's transaction;
 * - after any read of any type (also creates and updates, which answer the row): every customer in
 *   the answer, populated relations at any depth included (an order's customer, GraphQL's nested
 *   loads), is decrypted, so authorised callers see exactly what was written. Masking for callers
 *   without `sensitive.view` (sensitive.ts) works on these plaintexts as before.
 *
 * The plugin's own knex readers decrypt with field-crypto.ts (decryptRow), and its bulk writers
 * encrypt with it (encryptRow).
 */

type State = { ids?: number[] };

const encryptData = (data: unknown) => {
  if (!data || typeof data !== 'object') return;
  const record = data as Record<string, unknown>;
  for (const field of ENCRYPTED_FIELDS) if (field in record && record[field] !== undefined) record[field] = encryptValue(record[field]);
};

/**
 * `_q` on customers for callers who may read contact data: Strapi's own search would compare the
 * text with ciphertext and never match. It becomes the other text attributes' search, or an exact
 * (normalised) email or phone, by hash. Callers without the permission had `_q` narrowed to the
 * other attributes already (sensitive.ts) and are never offered the hash match.
 */
const exactContactSearch = (strapi: Core.Strapi, modelOf: ModelOf) => async (context: any, next: () => Promise<any>) => {
  const q = context.params?._q;
  if (context.uid !== UID.customer || typeof q !== 'string' || q.trim() === '' || !systemOrSeeing(strapi)) return next();
  const table = hostTables(strapi).customers;
  const ids: number[] = await strapi.db
    .connection(table)
    .where((w) => {
      for (const field of HASHED_FIELDS) w.orWhere(HASH_COLUMNS[field], hashValue(field, q)!);
    })
    .pluck('id');
  const search = searchWithout(modelOf, context.uid, q);
  if (ids.length > 0) search.$or.push({ id: { $in: ids } } as any);
  const { _q, ...rest } = context.params;
  context.params = { ...rest, filters: rest.filters ? { $and: [rest.filters, search] } : search };
  return next();
};

export const encryptCustomerFields = (strapi: Core.Strapi) => {
  // Fails the start with a clear message when CI_ENCRYPTION_KEYS or CI_HASH_KEY is malformed.
  keyring();
  const modelOf: ModelOf = (uid) => strapi.getModel(uid as any) as ReturnType<ModelOf>;

  const decryptAnswer = (event: any) => {
    eachDocument(modelOf, event.model.uid, event.result, (uid, doc) => {
      if (uid === UID.customer) decryptRow(doc);
    });
  };

  /** Hash columns (and values written around the lifecycles) of these rows, in the writer's transaction; `null`: rows missing a hash. */
  const sync = (ids: number[] | null) =>
    strapi.db.transaction(async ({ trx }) => {
      const table = hostTables(strapi).customers;
      await syncStoredContacts(trx as unknown as Knex, ids ?? (await idsMissingHashes(trx as unknown as Knex, table)), table);
    });

  const idsOf = async (where: unknown): Promise<number[]> =>
    where ? (await strapi.db.query(UID.customer as any).findMany({ where: where as any, select: ['id'] })).map((r: { id: number }) => r.id) : [];

  strapi.db.lifecycles.subscribe({
    models: [UID.customer],
    beforeCreate: (event: any) => encryptData(event.params?.data),
    beforeUpdate: (event: any) => encryptData(event.params?.data),
    beforeCreateMany: (event: any) => (Array.isArray(event.params?.data) ? event.params.data : []).forEach(encryptData),
    beforeUpdateMany: async (event: any) => {
      encryptData(event.params?.data);
      (event.state as State).ids = await idsOf(event.params?.where);
    },
    afterCreate: (event: any) => (typeof event.result?.id === 'number' ? sync([event.result.id]) : undefined),
    afterUpdate: (event: any) => (typeof event.result?.id === 'number' ? sync([event.result.id]) : undefined),
    // createMany answers every id on PostgreSQL; elsewhere possibly only some: then the rows still missing a hash.
    afterCreateMany: (event: any) => {
      const ids = ((event.result?.ids ?? []) as unknown[]).filter((id): id is number => typeof id === 'number');
      return sync(ids.length === event.result?.count ? ids : null);
    },
    afterUpdateMany: (event: any) => sync((event.state as State).ids ?? []),
  } as any);

  // Every type: customers appear populated inside orders, interactions, tasks, other customers.
  strapi.db.lifecycles.subscribe({
    afterFindOne: decryptAnswer,
    afterFindMany: decryptAnswer,
    afterCreate: decryptAnswer,
    afterUpdate: decryptAnswer,
    afterDelete: decryptAnswer,
  } as any);

  strapi.documents.use(exactContactSearch(strapi, modelOf));
};
