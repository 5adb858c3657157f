import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { UID } from '../constants';
import type { Viewer } from '../http/viewer';

/**
 * Who may see a segment or a tag (both carry `visibility` and an `owner` admin user), and the
 * Strapi registrations that enforce it outside the plugin's own routes:
 *
 * - admin users see `global` items, `team` items of owners they share a role with (or without an
 *   owner), and their own `private` ones;
 * - content-API callers (API tokens, users-permissions) act for no user: they see `global` items
 *   only, unless the token is named in the plugin config `visibility.restrictedTokens`
 *   (config/plugins.ts, env CI_RESTRICTED_TOKENS), which then sees every item;
 * - calls without a request (jobs, scripts) are the system and see everything.
 *
 * The content manager applies the rule through the RBAC condition registered here (the bootstrap
 * roles hold it on segments and tags); REST and GraphQL through the document-service middleware,
 * and GraphQL's relation resolvers (which bypass it) through resolver middlewares.
 */
export type Visibility = 'private' | 'team' | 'global';
export type Owned = { visibility: Visibility | string | null; ownerId: number | null };
/** Each owner's role ids (only owners of `team` items are needed). */
export type OwnerRoles = Map<number, number[]>;

export const canSee = (viewer: Viewer, item: Owned, ownerRoles: OwnerRoles): boolean => {
  if (item.visibility === 'global') return true;
  if (viewer.kind === 'api') return viewer.seesRestricted === true;
  if (item.ownerId === viewer.userId) return true;
  if (item.visibility === 'private') return false;
  if (item.ownerId === null) return true;
  const roles = ownerRoles.get(item.ownerId) ?? [];
  return roles.some((r) => viewer.roleIds.includes(r));
};

/** The roles of the owners of `team` items, for canSee. */
export const ownerRolesOf = async (strapi: Core.Strapi, items: Owned[]): Promise<OwnerRoles> => {
  const ids = [...new Set(items.filter((s) => s.visibility === 'team' && s.ownerId !== null).map((s) => s.ownerId!))];
  if (ids.length === 0) return new Map();
  const users = await strapi.db.query('admin::user').findMany({ where: { id: { $in: ids } }, populate: ['roles'] });
  return new Map(users.map((u: any) => [Number(u.id), (u.roles ?? []).map((r: any) => Number(r.id))]));
};

/** The items of `items` the viewer may see. */
export const visibleTo = async <T extends Owned>(strapi: Core.Strapi, viewer: Viewer, items: T[]): Promise<T[]> => {
  const roles = await ownerRolesOf(strapi, items);
  return items.filter((item) => canSee(viewer, item, roles));
};

/** Strapi's content-API token strategy (its name changed across 5.x). */
const TOKEN_STRATEGIES = new Set(['content-api-token', 'api-token']);

/** Names of the API tokens granted team and private items (plugin config, read at registration). */
let grantedTokens: string[] = [];

/** Whether a content-API caller (its `ctx.state.auth`) was granted team and private items explicitly. */
export const tokenSeesRestricted = (auth: any): boolean =>
  TOKEN_STRATEGIES.has(auth?.strategy?.name) && typeof auth.credentials?.name === 'string' && grantedTokens.includes(auth.credentials.name);

/**
 * The current request's caller as far as visibility goes: `admin` (RBAC and the plugin decide),
 * `api` (content API, restricted unless granted), or null without a request (the system).
 */
const requestCaller = (strapi: Core.Strapi): { kind: 'admin' } | { kind: 'api'; seesRestricted: boolean } | null => {
  const ctx: any = strapi.requestContext.get();
  if (!ctx) return null;
  const auth = ctx.state?.auth;
  // The admin panel's session and admin tokens: RBAC and the plugin's own checks apply.
  if (String(auth?.strategy?.name ?? '').startsWith('admin')) return { kind: 'admin' };
  if (!auth && ctx.state?.route?.info?.type !== 'content-api' && !String(ctx.path ?? '').startsWith('/graphql')) return null;
  return { kind: 'api', seesRestricted: tokenSeesRestricted(auth) };
};

const OWNED = new Set<string>([UID.segment, UID.tag]);
const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
const WRITES = new Set(['update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);
const GLOBAL = { visibility: 'global' };

/** Related segments (parent, children) a restricted caller may not see are dropped from an answer. */
const dropHiddenRelations = (value: any): any => {
  if (Array.isArray(value)) return value.map(dropHiddenRelations);
  if (!value || typeof value !== 'object') return value;
  for (const field of ['parent', 'children'] as const) {
    const related = value[field];
    if (Array.isArray(related)) value[field] = related.filter((r) => r?.visibility === 'global').map(dropHiddenRelations);
    else if (related && typeof related === 'object') value[field] = related.visibility === 'global' ? dropHiddenRelations(related) : null;
  }
  return value;
};

/** The admin user's id as a relation value (the owner of what they create in the content manager). */
const requestUserId = (strapi: Core.Strapi): number | null => {
  const ctx: any = strapi.requestContext.get();
  return ctx?.state?.auth?.strategy?.name === 'admin' && ctx.state.user?.id ? Number(ctx.state.user.id) : null;
};

/**
 * Content-API callers: reads of segments and tags see `global` ones only (unless granted), writes
 * to a hidden one answer 404 as for a missing one. Admin creates record their owner.
 */
const registerDocumentMiddleware = (strapi: Core.Strapi) => {
  strapi.documents.use(async (ctx: any, next) => {
    if (!OWNED.has(ctx.uid)) return next();
    if (ctx.action === 'create') {
      const userId = requestUserId(strapi);
      const data = ctx.params?.data;
      if (userId !== null && data && (data.owner === undefined || data.owner === null)) data.owner = userId;
      return next();
    }
    const caller = requestCaller(strapi);
    if (!caller || caller.kind === 'admin' || caller.seesRestricted) return next();
    if (READS.has(ctx.action)) {
      const filters = ctx.params?.filters;
      ctx.params = { ...ctx.params, filters: filters ? { $and: [filters, GLOBAL] } : GLOBAL };
      return dropHiddenRelations(await next());
    }
    if (WRITES.has(ctx.action) && ctx.params?.documentId) {
      const visible = await strapi.db.query(ctx.uid).findOne({ where: { documentId: ctx.params.documentId, ...GLOBAL }, select: ['id'] });
      if (!visible) throw new errors.NotFoundError('Not Found');
    }
    return dropHiddenRelations(await next());
  });
};

/** The caller of a GraphQL resolver (its koa state), as requestCaller sees a request. */
const restrictedGraphqlCaller = (context: any) => {
  const auth = context?.state?.auth;
  return !String(auth?.strategy?.name ?? '').startsWith('admin') && !tokenSeesRestricted(auth);
};

/**
 * GraphQL loads a segment's `children` and `parent` with the query engine, past the document
 * service: for restricted callers the children are filtered (counts included) and a hidden parent
 * reads as none.
 */
const registerGraphqlRelations = (strapi: Core.Strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const onlyGlobal = async (next: any, parent: any, args: any, context: any, info: any) => {
    if (!restrictedGraphqlCaller(context)) return next(parent, args, context, info);
    const visibility = { visibility: { eq: 'global' } };
    return next(parent, { ...args, filters: args?.filters ? { and: [args.filters, visibility] } : visibility }, context, info);
  };
  const hiddenParent = async (next: any, parent: any, args: any, context: any, info: any) => {
    const result = await next(parent, args, context, info);
    if (!restrictedGraphqlCaller(context) || !result) return result;
    // An entity response ({ value }) or, depending on the resolver, the row itself.
    const row = 'value' in result ? result.value : result;
    if (!row || row.visibility === 'global') return result;
    return 'value' in result ? { ...result, value: null } : null;
  };
  graphql.service('extension').use(() => ({
    resolversConfig: {
      'Segment.children': { middlewares: [onlyGlobal] },
      'Segment.children_connection': { middlewares: [onlyGlobal] },
      'Segment.parent': { middlewares: [hiddenParent] },
    },
  }));
};

/**
 * RBAC condition for the content manager: the segments and tags the user may see (the rule of
 * canSee as a query, matched in memory for one document and as SQL for lists).
 */
const registerCondition = async (strapi: Core.Strapi) => {
  await strapi.service('admin::permission').conditionProvider.register({
    displayName: 'Visible to the user (owner, team or global)',
    name: 'visible-to-user',
    plugin: PLUGIN_ID,
    async handler(user: any) {
      const roleIds = (user.roles ?? []).map((r: any) => Number(r.id));
      const teammates = roleIds.length
        ? (await strapi.db.query('admin::user').findMany({ where: { roles: { id: { $in: roleIds } } }, select: ['id'] })).map((u: any) => Number(u.id))
        : [];
      return {
        $or: [
          { visibility: 'global' },
          { 'owner.id': Number(user.id) },
          { visibility: 'team', 'owner.id': { $in: teammates } },
          { visibility: 'team', 'owner.id': { $exists: false } },
        ],
      };
    },
  });
};

/** Registers the condition and the middleware (plugin register phase). */
export const registerVisibility = async (strapi: Core.Strapi) => {
  const names = strapi.config.get(`plugin::${PLUGIN_ID}.visibility.restrictedTokens`, []) as unknown;
  grantedTokens = Array.isArray(names) ? names.map(String).filter(Boolean) : [];
  await registerCondition(strapi);
  registerDocumentMiddleware(strapi);
  registerGraphqlRelations(strapi);
};
