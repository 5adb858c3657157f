import type { Core } from '@strapi/strapi';
import { crmApi } from '../../../../shared/contracts/crm';
import type { Handled } from '../../core/http/respond';
import { seesContact } from '../../core/http/viewer';
import { checkRuleReads } from '../../core/security/sensitive';
import { getService } from '../../get-service';

type Api = typeof crmApi;

/**
 * The integrator API's operations, each on its request as the contract parsed it. REST
 * (controller.ts) and GraphQL (graphql.ts) run these same functions through `respond`, so both
 * parse, check scopes, mask, apply visibility and audit alike. All the work is the admin API's
 * services: the profile card, the tag center's create / update / bulk apply.
 */
export const crmOperations = (strapi: Core.Strapi) => {
  const customers = () => getService(strapi, 'customers');
  const tags = () => getService(strapi, 'tags');
  return {
    customerProfile: async ({ params, viewer }: Handled<Api['customerProfile']>) => {
      const [profile, segments] = await Promise.all([customers().visibleProfile(viewer, params.id), customers().segmentsOf(viewer, params.id)]);
      return { data: { ...profile, segments } };
    },
    createTags: async ({ body, viewer }: Handled<Api['createTags']>) => {
      body.forEach((tag, i) => checkRuleReads(tag.rule, seesContact(viewer), `/${i}/rule`));
      return { data: await tags().createMany(viewer, body) };
    },
    updateTag: async ({ params, body, viewer }: Handled<Api['updateTag']>) => {
      checkRuleReads(body.rule, seesContact(viewer));
      return { data: await tags().update(viewer, params.id, body) };
    },
    deleteTag: async ({ params, viewer }: Handled<Api['deleteTag']>) => ({ data: await tags().remove(viewer, params.id) }),
    applyTag: async ({ body, viewer }: Handled<Api['applyTag']>) => {
      const { affected } = await tags().bulk(body.tag_id, { action: 'apply', customerIds: body.customer_ids }, viewer, {
        source: body.source,
        strict: { tag: '/tag_id', customers: '/customer_ids' },
      });
      return { data: { tagId: body.tag_id, applied: affected, alreadyTagged: new Set(body.customer_ids).size - affected } };
    },
  };
};

/** The status each operation answers a success with. */
export const CREATED = { createTags: 201 } as Partial<Record<keyof Api, number>>;
