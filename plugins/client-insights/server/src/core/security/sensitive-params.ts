import { errors } from '@strapi/utils';
import { SENSITIVE_ATTRIBUTES } from '../../../../shared/sensitive';

/**
 * Sensitive attributes (shared/sensitive.ts) in Document Service parameters and results: what
 * the middleware in sensitive.ts and the GraphQL guards in sensitive-graphql.ts check and strip.
 */

type Model = { attributes: Record<string, any> };
export type ModelOf = (uid: string) => Model | undefined;

export const sensitiveOf = (uid: string) => SENSITIVE_ATTRIBUTES[uid] ?? [];

/** The model a nested attribute leads to (relations and components), if any. */
export const targetOf = (attribute: any): string | undefined =>
  attribute?.type === 'relation' ? attribute.target : attribute?.type === 'component' ? attribute.component : undefined;

/**
 * Calls `visit` on every document of `value` (one, a list, or a delete's `{ entries }`) and on every
 * document populated inside them at any depth, with the type each one is of.
 */
export const eachDocument = (modelOf: ModelOf, uid: string, value: unknown, visit: (uid: string, doc: Record<string, unknown>) => void): void => {
  if (Array.isArray(value)) {
    for (const item of value) eachDocument(modelOf, uid, item, visit);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const doc = value as Record<string, unknown>;
  visit(uid, doc);
  // A delete answers { documentId, entries: [documents] }.
  if (Array.isArray(doc.entries)) eachDocument(modelOf, uid, doc.entries, visit);
  const attributes = modelOf(uid)?.attributes ?? {};
  for (const [name, inner] of Object.entries(doc)) {
    if (!inner || typeof inner !== 'object') continue;
    const attribute = attributes[name];
    if (attribute?.type === 'dynamiczone') {
      for (const item of inner as any[]) if (item?.__component) eachDocument(modelOf, item.__component, item, visit);
      continue;
    }
    const target = targetOf(attribute);
    if (target) eachDocument(modelOf, target, inner, visit);
  }
};

/** Removes sensitive attributes from documents of `uid` and from every document populated inside them. */
export const stripSensitive = (modelOf: ModelOf, uid: string, value: unknown): void =>
  eachDocument(modelOf, uid, value, (type, doc) => {
    for (const name of sensitiveOf(type)) delete doc[name];
  });

const refuse = (uid: string, field: string, what: string) =>
  new errors.ValidationError(`"${field}" of ${uid} is a sensitive field: ${what} on it needs the "View sensitive fields" permission`, {
    key: field,
    source: 'query',
  });

/** Refuses filters that touch a sensitive attribute, through relations at any depth (REST's `$and` and GraphQL's `and` alike). */
export const checkFilters = (modelOf: ModelOf, uid: string, filters: unknown): void => {
  if (Array.isArray(filters)) {
    for (const item of filters) checkFilters(modelOf, uid, item);
    return;
  }
  if (!filters || typeof filters !== 'object') return;
  const attributes = modelOf(uid)?.attributes ?? {};
  for (const [key, inner] of Object.entries(filters)) {
    if (key.startsWith('$') || (!attributes[key] && ['and', 'or', 'not'].includes(key))) {
      // Logical operators nest filters of the same type; other operators hold values.
      if (['$and', '$or', '$not', 'and', 'or', 'not'].includes(key)) checkFilters(modelOf, uid, inner);
      continue;
    }
    if (sensitiveOf(uid).includes(key)) throw refuse(uid, key, 'filtering');
    const target = targetOf(attributes[key]);
    if (target) checkFilters(modelOf, target, inner);
  }
};

/** Refuses sorting by a sensitive attribute (`email:asc`, `customer.email`, `{ customer: { email: 'asc' } }`). */
export const checkSort = (modelOf: ModelOf, uid: string, sort: unknown): void => {
  if (Array.isArray(sort)) {
    for (const item of sort) checkSort(modelOf, uid, item);
    return;
  }
  if (typeof sort === 'string') {
    for (const part of sort.split(',')) {
      const path = part.trim().split(':')[0].split('.');
      let current = uid;
      for (const name of path) {
        if (sensitiveOf(current).includes(name)) throw refuse(current, name, 'sorting');
        const target = targetOf(modelOf(current)?.attributes[name]);
        if (!target) break;
        current = target;
      }
    }
    return;
  }
  if (!sort || typeof sort !== 'object') return;
  for (const [key, inner] of Object.entries(sort)) {
    if (sensitiveOf(uid).includes(key)) throw refuse(uid, key, 'sorting');
    const target = targetOf(modelOf(uid)?.attributes[key]);
    if (target && inner && typeof inner === 'object') checkSort(modelOf, target, inner);
  }
};

/** A free-text search (`_q`) as filters over the type's searchable text attributes that are not sensitive, as Strapi's own search would match them. */
export const searchWithout = (modelOf: ModelOf, uid: string, q: string) => {
  const attributes = modelOf(uid)?.attributes ?? {};
  const text = Object.entries(attributes)
    .filter(
      ([name, a]) =>
        ['string', 'text', 'richtext', 'email', 'uid', 'enumeration'].includes(a.type) && a.searchable !== false && !sensitiveOf(uid).includes(name)
    )
    .map(([name]) => ({ [name]: { $containsi: q } }));
  const id = /^\d{1,15}$/.test(q.trim()) ? [{ id: Number(q.trim()) }] : [];
  return { $or: [...id, ...text] };
};

/** Checks a call's query parameters for `uid`, populated relations' own filters and sorts included. */
export const checkParams = (modelOf: ModelOf, uid: string, params: any): void => {
  if (!params || typeof params !== 'object') return;
  checkFilters(modelOf, uid, params.filters);
  checkSort(modelOf, uid, params.sort);
  const populate = params.populate;
  if (populate && typeof populate === 'object' && !Array.isArray(populate)) {
    for (const [name, inner] of Object.entries(populate)) {
      const target = targetOf(modelOf(uid)?.attributes[name]);
      if (target && inner && typeof inner === 'object') checkParams(modelOf, target, inner);
    }
  }
};
