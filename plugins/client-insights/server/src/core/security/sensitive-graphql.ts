import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { checkFilters, checkSort, sensitiveOf, type ModelOf } from './sensitive-params';

/**
 * GraphQL's nested relations are loaded with `strapi.db.query(...).load`, around the Document
 * Service, and its output is not sanitised per field. So each sensitive field of the schema
 * answers null to a caller without the permission (whichever query reached it), and each relation
 * field refuses filters and sorts that read a sensitive field of what it lists.
 */
export const guardGraphql = (strapi: Core.Strapi, modelOf: ModelOf, sees: () => boolean) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  graphql.service('extension').use(() => {
    const typeName = (uid: string) => graphql.service('utils').naming.getTypeName(strapi.contentType(uid as any));
    const resolversConfig: Record<string, { middlewares: unknown[] }> = {};
    const hidden = async (next: any, parent: unknown, args: unknown, context: unknown, info: unknown) => (sees() ? next(parent, args, context, info) : null);
    for (const uid of Object.keys(strapi.contentTypes).filter((u) => u.startsWith('api::'))) {
      for (const name of sensitiveOf(uid)) resolversConfig[`${typeName(uid)}.${name}`] = { middlewares: [hidden] };
      for (const [name, attribute] of Object.entries<any>(strapi.contentType(uid as any).attributes)) {
        if (attribute.type !== 'relation' || !String(attribute.target).startsWith('api::')) continue;
        // Segments relate only to segments (and admin users, not api::), so no filter through them
        // reaches a sensitive field; their relation fields carry visibility.ts's guard, which a
        // second middleware here would replace (the extensions' configs merge index by index).
        if (attribute.target === UID.segment) continue;
        const checked = async (next: any, parent: unknown, args: any, context: unknown, info: unknown) => {
          if (!sees()) {
            checkFilters(modelOf, attribute.target, args?.filters);
            checkSort(modelOf, attribute.target, args?.sort);
          }
          return next(parent, args, context, info);
        };
        for (const field of [name, `${name}_connection`]) resolversConfig[`${typeName(uid)}.${field}`] = { middlewares: [checked] };
      }
    }
    return { resolversConfig };
  });
};
