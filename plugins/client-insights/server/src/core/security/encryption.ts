import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../constants';
import { hostTables } from '../db/tables';
import { decryptRow, ENCRYPTED_FIELDS, encryptValue, HASHED_FIELDS, isHashedField, keyring, type HashedField } from './field-crypto';
import { errors } from '@strapi/utils';
import { eachDocument, searchWithout, targetOf, type ModelOf } from './sensitive-params';
import { systemOrSeeing } from './sensitive';
import { idsByHash, idsMissingHashes, syncStoredContacts } from './stored-contacts';

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
  const ids = await idsByHash(strapi.db.connection, HASHED_FIELDS, [q], hostTables(strapi).customers);
  const search = searchWithout(modelOf, context.uid, q);
  if (ids.length > 0) search.$or.push({ id: { $in: ids } } as any);
  const { _q, ...rest } = context.params;
  context.params = { ...rest, filters: rest.filters ? { $and: [rest.filters, search] } : search };
  return next();
};

const LOGICAL = ['$and', '$or', '$not', 'and', 'or', 'not'];
/** Whole-value filter operators (REST's `$eq`, GraphQL's `eq`), answered by hash; presence ones read the column itself. */
const WHOLE = ['$eq', '$eqi', 'eq', 'eqi', '$in', 'in'];
const PRESENCE = ['$null', '$notNull', 'null', 'notNull'];

/**
 * Filters on an encrypted email or phone (on customers, or through a relation: an order's
 * `customer.email`) for callers who may read them: a whole value (`$eq`, `$eqi`, `$in`) becomes
 * the customers whose hash matches (`id $in …`), `$null`/`$notNull` stay as they are, and any other
 * operator (`$contains`, `$startsWith`, ordering…) is refused with a 400 naming the field: it
 * could only compare ciphertext. Notes are never filtered.
 */
const hashedFilters = (strapi: Core.Strapi, modelOf: ModelOf) => {
  const idsOf = (field: HashedField, values: unknown[]) => idsByHash(strapi.db.connection, [field], values, hostTables(strapi).customers);
  const refuse = (field: string, op: string) =>
    new errors.ValidationError(`"${field}" of ${UID.customer} is encrypted at rest: filter it by the whole value ($eq, $in) or $null, not with ${op}`, {
      key: field,
      source: 'query',
    });
  const condition = async (field: HashedField, inner: unknown): Promise<Record<string, unknown>> => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return { id: { $in: await idsOf(field, Array.isArray(inner) ? inner : [inner]) } };
    const parts: Record<string, unknown>[] = [];
    for (const [op, value] of Object.entries(inner)) {
      if (PRESENCE.includes(op)) parts.push({ [field]: { [op]: value } });
      else if (WHOLE.includes(op)) parts.push({ id: { $in: await idsOf(field, Array.isArray(value) ? value : [value]) } });
      else throw refuse(field, op);
    }
    return { $and: parts };
  };
  const rewrite = async (uid: string, filters: unknown): Promise<unknown> => {
    if (Array.isArray(filters)) return Promise.all(filters.map((f) => rewrite(uid, f)));
    if (!filters || typeof filters !== 'object') return filters;
    const attributes = modelOf(uid)?.attributes ?? {};
    const out: Record<string, unknown> = {};
    const byHash: Record<string, unknown>[] = [];
    for (const [key, inner] of Object.entries(filters)) {
      const target = targetOf(attributes[key]);
      if (uid === UID.customer && isHashedField(key)) byHash.push(await condition(key, inner));
      else if (LOGICAL.includes(key) && !attributes[key]) out[key] = await rewrite(uid, inner);
      else if (uid === UID.customer && key === 'notes' && inner && typeof inner === 'object' && Object.keys(inner).some((op) => !PRESENCE.includes(op)))
        throw refuse(
          key,
          Object.keys(inner).find((op) => !PRESENCE.includes(op))!
        );
      else out[key] = target ? await rewrite(target, inner) : inner;
    }
    if (byHash.length > 0) out.$and = [...(Array.isArray(out.$and) ? out.$and : out.$and ? [out.$and] : []), ...byHash];
    return out;
  };
  return async (context: any, next: () => Promise<any>) => {
    if (context.params?.filters && !String(context.uid).startsWith('admin::') && systemOrSeeing(strapi))
      context.params = { ...context.params, filters: await rewrite(context.uid, context.params.filters) };
    return next();
  };
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
  strapi.documents.use(hashedFilters(strapi, modelOf));
};
