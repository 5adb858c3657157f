import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { FieldError } from '../../../../shared/errors';
import { ApiError } from '../http/errors';
import { guardGraphql } from './sensitive-graphql';
import { checkParams, searchWithout, sensitiveOf, stripSensitive, type ModelOf } from './sensitive-params';
import { permission } from '../../../../shared/permissions';
import { CONTENT_API_SENSITIVE_ACTION, sensitiveReads } from '../../../../shared/sensitive';

/**
 * Sensitive fields (shared/sensitive.ts) on every path that reads host content. The content
 * manager, REST and GraphQL all read through the Document Service, and Strapi keeps the request
 * that made each call (`strapi.requestContext`), so one Document Service middleware here holds
 * for all three, for populated relations at any depth too, which the content manager's field
 * permissions do not (they restrict only the type's own fields). A call outside any request (jobs,
 * seeding, migrations) is the system's own and reads everything.
 */

/** Whether the request's caller may read sensitive fields: an admin (session or admin token) with `sensitive.view`, or a custom API token granted CONTENT_API_SENSITIVE_ACTION. */
export const callerSeesSensitive = (ctx: any): boolean => {
  const userAbility = ctx?.state?.userAbility;
  if (userAbility) return Boolean(userAbility.can(permission('sensitive.view')));
  const auth = ctx?.state?.auth;
  return auth?.credentials?.type === 'custom' && Boolean(auth.ability?.can?.(CONTENT_API_SENSITIVE_ACTION));
};

/** A rule's reads of sensitive fields as field errors under `prefix` (empty when the caller may read them). */
export const sensitiveRuleErrors = (rule: unknown, sees: boolean, prefix = '/rule'): FieldError[] =>
  sees
    ? []
    : sensitiveReads(rule).map(({ path, field }) => ({
        path: `${prefix}${path}`,
        message: `"${field}" is a sensitive field: a rule may read it only with the "View sensitive fields" permission`,
      }));

/** Refuses (400, each read named by pointer) a rule from a caller who may not read the sensitive fields it reads: previews, validation, segment and tag writes. */
export const checkRuleReads = (rule: unknown, sees: boolean, prefix = '/rule') => {
  const refused = sensitiveRuleErrors(rule, sees, prefix);
  if (refused.length > 0) throw ApiError.invalid(refused);
};

/** Host types whose `rule` attribute holds a JSON-Logic rule of the plugin. */
const RULE_HOLDERS = ['api::segment.segment', 'api::tag.tag'];

/** An update that sends back the stored rule as it is (the content manager's edit view sends every field) changes nothing a caller could learn from. */
const unchangedRule = async (strapi: Core.Strapi, context: any) => {
  if (context.action !== 'update' || !context.params.documentId) return false;
  const stored = await strapi.db.query(context.uid).findOne({ where: { documentId: context.params.documentId }, select: ['rule'] });
  return stored !== null && JSON.stringify(stored.rule ?? null) === JSON.stringify(context.params.data.rule ?? null);
};

/**
 * An update's data without the sensitive fields it would empty: a caller who cannot see them got
 * them removed, and an edit form sends them back empty; that must not erase them. Setting a new
 * value stays possible (writing is not reading).
 */
const withoutBlindClears = (uid: string, data: Record<string, unknown>) => {
  const kept = { ...data };
  for (const name of sensitiveOf(uid)) if (name in kept && (kept[name] === null || kept[name] === '')) delete kept[name];
  return kept;
};

/** Whether the current request's caller may read sensitive fields; calls outside a request are the system's own. */
export const systemOrSeeing = (strapi: Core.Strapi) => {
  const request = strapi.requestContext.get();
  return !request || callerSeesSensitive(request);
};

/**
 * Registers the protection (one line in register.ts): the Document Service middleware, the
 * GraphQL field guards (sensitive-graphql.ts: nested relations are loaded around the Document
 * Service) and the content-API permission a custom token can be granted.
 */
export const protectSensitiveFields = async (strapi: Core.Strapi) => {
  const modelOf: ModelOf = (uid) => strapi.getModel(uid as any) as ReturnType<ModelOf>;
  guardGraphql(strapi, modelOf, () => systemOrSeeing(strapi));
  await strapi.contentAPI.permissions.providers.action.register(CONTENT_API_SENSITIVE_ACTION, {
    api: 'plugin::client-insights',
    controller: 'sensitive',
    action: 'view',
    uid: CONTENT_API_SENSITIVE_ACTION,
  });
  strapi.documents.use(async (context: any, next: () => Promise<any>) => {
    // The admin's own types (its users page) are Strapi's to guard; an owner populated inside host content is ours.
    if (String(context.uid).startsWith('admin::') || systemOrSeeing(strapi)) return next();
    const { uid, params } = context;
    checkParams(modelOf, uid, params);
    if (typeof params?._q === 'string' && params._q !== '' && sensitiveOf(uid).length > 0) {
      const search = searchWithout(modelOf, uid, params._q);
      const { _q, ...rest } = params;
      context.params = { ...rest, filters: rest.filters ? { $and: [rest.filters, search] } : search };
    }
    if (RULE_HOLDERS.includes(uid) && params?.data && 'rule' in params.data && !(await unchangedRule(strapi, context))) {
      const refused = sensitiveRuleErrors(params.data.rule, false, 'rule');
      if (refused.length > 0) {
        throw new errors.ValidationError(refused[0].message, {
          errors: refused.map((e) => ({ path: e.path.split('/'), message: e.message, name: 'ValidationError' })),
        });
      }
    }
    if (context.action === 'update' && params?.data) context.params = { ...context.params, data: withoutBlindClears(uid, params.data) };
    const result = await next();
    stripSensitive(modelOf, uid, result);
    return result;
  });
};
