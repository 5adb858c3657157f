import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { pointerTokens, type FieldError } from '../../../../shared/errors';
import { badText } from '../http/text';

/** What a write would store, and the stored document an update changes (null on create). */
export type WriteCheck = (data: Record<string, unknown>, stored: () => Promise<Record<string, unknown> | null>) => FieldError[] | Promise<FieldError[]>;

const WRITES = new Set(['create', 'update', 'clone']);

/**
 * Checks every write of the host's content types through the Document Service — the plugin's
 * services, the content manager, REST, GraphQL and imports all end there — and refuses a bad one
 * with Strapi's ValidationError (400 on every path). Text no database stores (NUL, lone
 * surrogates) is refused for every `api::` type; `checks` add per-type rules (a segment's rule
 * and schedule, a tag's rule), so no path can store what the plugin's own routes refuse.
 */
export const guardDocumentWrites = (strapi: Core.Strapi, checks: Record<string, WriteCheck>) => {
  strapi.documents.use(async (context: any, next: any) => {
    if (!WRITES.has(context.action) || !String(context.uid).startsWith('api::')) return next();
    const data = (context.params?.data ?? {}) as Record<string, unknown>;
    const found = badText(data);
    const check = checks[context.uid];
    if (!found.length && check) {
      const documentId = context.params?.documentId;
      const stored = async () =>
        documentId ? ((await strapi.db.query(context.uid).findOne({ where: { documentId } })) as Record<string, unknown> | null) : null;
      found.push(...(await check(data, stored)));
    }
    if (found.length) {
      throw new errors.ValidationError(found.map((e) => `${e.path}: ${e.message}`).join('; '), {
        errors: found.map((e) => ({ path: pointerTokens(e.path), message: e.message, name: 'ValidationError' })),
      });
    }
    return next();
  });
};
