import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { crmApi } from '../../../../shared/contracts/crm';
import { respond } from '../../core/http/respond';
import { CREATED, crmOperations } from './operations';

type Operation = keyof typeof crmApi;

/** The REST route's scope: one token permission grants an operation on both APIs. */
const scope = (operation: Operation) => ({ scope: [`plugin::client-insights.crm.${operation}`] });

/** A refusal in Strapi's envelope as the error Strapi's GraphQL formatter answers with its name, message and details. */
const graphqlError = ({ error }: { error: { status: number; name: string; message: string; details: any } }) => {
  if (error.status === 400) return new errors.ValidationError(error.message, error.details);
  if (error.status === 401) return new errors.UnauthorizedError(error.message, error.details);
  if (error.status === 403) return new errors.ForbiddenError(error.message, error.details);
  if (error.status === 404) return new errors.NotFoundError(error.message, error.details);
  // 409, 410, 413: named as the envelope names them (STRAPI_CONFLICT_ERROR, …).
  return Object.assign(new errors.ApplicationError(error.message, error.details), { name: error.name as 'ApplicationError' });
};

/**
 * Runs an operation for a GraphQL resolver through `respond`, as the REST route would: the
 * contract parses the arguments (a refusal names the field by the same pointer), the caller is
 * the request's (its token's masking and visibility), and the audit log records it. `respond`
 * writes its answer on a context of its own, never on the GraphQL request's.
 */
const run = async (ops: ReturnType<typeof crmOperations>, operation: Operation, koa: any, input: { params?: unknown; body?: unknown }) => {
  const ctx: any = {
    params: input.params ?? {},
    query: {},
    request: { body: input.body, ip: koa?.request?.ip ?? null, path: '/graphql' },
    state: koa?.state ?? {},
    get: (header: string) => koa?.get?.(header) ?? '',
    set: () => undefined,
  };
  await respond(ctx, crmApi[operation], ops[operation] as any, CREATED[operation] ?? 200);
  if (ctx.status >= 400) throw graphqlError(ctx.body);
  return ctx.body.data;
};

/**
 * The integrator API in GraphQL: `crmCustomerProfile` (query), `crmCreateTags`, `crmUpdateTag`,
 * `crmDeleteTag` and `crmApplyTag` (mutations). Answers are the REST routes' `data` as object
 * types (the profile's nested parts, and inputs, as JSON: the contract checks them); each field
 * needs the same token scope as its route.
 */
export const registerCrmGraphql = (strapi: Core.Strapi) => {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const ops = crmOperations(strapi);
  graphql.service('extension').use(({ nexus }: any) => {
    const { nonNull, list, intArg, stringArg, arg } = nexus;
    const json = (description: string) => arg({ type: 'JSON', description });
    /** An object type whose fields are [name, GraphQL type, required]; nested structures stay JSON. */
    const object = (name: string, description: string, fields: [string, string, boolean][]) =>
      nexus.objectType({
        name,
        description,
        definition(t: any) {
          for (const [field, type, required] of fields) (required ? t.nonNull : t).field(field, { type });
        },
      });
    return {
      types: [
        object('CrmTag', 'A tag (as GET /client-insights/tags/:id answers it).', [
          ['id', 'Int', true],
          ['documentId', 'String', true],
          ['name', 'String', true],
          ['slug', 'String', true],
          ['category', 'String', true],
          ['description', 'String', false],
          ['color', 'String', false],
          ['rule', 'JSON', false],
          ['visibility', 'String', true],
          ['usage', 'Int', true],
          ['lastRun', 'JSON', false],
        ]),
        object('CrmTagApplied', 'Customers newly tagged, and those who already carried the tag.', [
          ['tagId', 'Int', true],
          ['applied', 'Int', true],
          ['alreadyTagged', 'Int', true],
        ]),
        object('CrmTagDeleted', 'The deleted tag and how many customers carried it.', [
          ['id', 'Int', true],
          ['removedAssignments', 'Int', true],
        ]),
        object('CrmCustomerProfile', "A customer's profile; its parts are JSON shaped as in docs/openapi.json (CustomerProfile).", [
          ['customer', 'JSON', true],
          ['masked', 'Boolean', true],
          ['referrer', 'JSON', false],
          ['referrals', 'JSON', true],
          ['family', 'JSON', true],
          ['tags', 'JSON', true],
          ['segments', 'JSON', true],
          ['timeline', 'JSON', true],
          ['metrics', 'JSON', false],
          ['scores', 'JSON', false],
        ]),
        nexus.extendType({
          type: 'Query',
          definition(t: any) {
            t.field('crmCustomerProfile', {
              type: 'CrmCustomerProfile',
              description: "A customer's profile: basic info, tags, segments, value scores, latest behaviour (GET /api/crm/customers/:id/profile).",
              args: { id: nonNull(intArg()) },
              resolve: (_: unknown, args: any, context: any) => run(ops, 'customerProfile', context.koaContext, { params: { id: args.id } }),
            });
          },
        }),
        nexus.extendType({
          type: 'Mutation',
          definition(t: any) {
            t.field('crmCreateTags', {
              type: nonNull(list(nonNull('CrmTag'))),
              description: 'Create tags, all or none (POST /api/crm/tags).',
              args: { data: nonNull(list(nonNull(json('A tag, as the REST body item')))) },
              resolve: (_: unknown, args: any, context: any) => run(ops, 'createTags', context.koaContext, { body: args.data }),
            });
            t.field('crmUpdateTag', {
              type: 'CrmTag',
              description: 'Change a tag (PUT /api/crm/tags/:id).',
              args: { id: nonNull(intArg()), data: nonNull(json('The fields to change')) },
              resolve: (_: unknown, args: any, context: any) => run(ops, 'updateTag', context.koaContext, { params: { id: args.id }, body: args.data }),
            });
            t.field('crmDeleteTag', {
              type: 'CrmTagDeleted',
              description: 'Delete a tag with its assignments (DELETE /api/crm/tags/:id).',
              args: { id: nonNull(intArg()) },
              resolve: (_: unknown, args: any, context: any) => run(ops, 'deleteTag', context.koaContext, { params: { id: args.id } }),
            });
            t.field('crmApplyTag', {
              type: 'CrmTagApplied',
              description: 'Give a tag to listed customers (POST /api/crm/tags/apply).',
              args: { tagId: nonNull(intArg()), customerIds: nonNull(list(nonNull(intArg()))), source: stringArg() },
              resolve: (_: unknown, args: any, context: any) =>
                run(ops, 'applyTag', context.koaContext, {
                  body: { tag_id: args.tagId, customer_ids: args.customerIds, ...(args.source == null ? {} : { source: args.source }) },
                }),
            });
          },
        }),
      ],
      resolversConfig: {
        'Query.crmCustomerProfile': { auth: scope('customerProfile') },
        'Mutation.crmCreateTags': { auth: scope('createTags') },
        'Mutation.crmUpdateTag': { auth: scope('updateTag') },
        'Mutation.crmDeleteTag': { auth: scope('deleteTag') },
        'Mutation.crmApplyTag': { auth: scope('applyTag') },
      },
    };
  });
};
