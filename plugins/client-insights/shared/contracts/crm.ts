import { z } from 'zod';
import { TAG_APPLY_SOURCES } from '../enums';
import { profileSchema } from './customers';
import { dataOf, endpoint, id, idParams } from './http';
import { createTagSchema, tagSchema, updateTagSchema } from './tags';

/**
 * The integrator API of the design document (seed 000 §5): a customer's profile and the tag
 * writes, on the content API under `/api/crm` (each route its own token scope,
 * `plugin::client-insights.crm.<action>`), and the same operations in GraphQL. They reuse the
 * admin API's schemas and services: only the batch and the snake_case apply body are their own.
 */

/** Tags created by one request at most: all or none are created. */
export const CRM_TAG_BATCH_MAX = 100;
/** Customers one apply request names at most. */
export const CRM_APPLY_MAX = 10_000;

/** `{ "data": x }` with nothing else, the Strapi content-API form, is read as `x`. */
const unwrapped = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && 'data' in v ? (v as { data: unknown }).data : v;

/**
 * One tag, or a list of them (1..CRM_TAG_BATCH_MAX), either also wrapped Strapi-style
 * (`{ "data": … }`). A single object is read as a list of one, so a refusal always names the
 * item: `/0/name`, `/3/slug`.
 */
export const createTagsBodySchema = z.preprocess(
  (v) => {
    const body = unwrapped(v);
    return Array.isArray(body) ? body : [body];
  },
  z
    .array(createTagSchema)
    .min(1, 'give at least one tag')
    .max(CRM_TAG_BATCH_MAX, `at most ${CRM_TAG_BATCH_MAX} tags per request`)
    .superRefine((tags, ctx) => {
      // Two items with one slug: the second would be refused by the database, after the first was written.
      const seen = new Map<string, number>();
      tags.forEach((tag, i) => {
        if (!tag.slug) return;
        if (seen.has(tag.slug))
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'slug'], message: `slug "${tag.slug}" is also item ${seen.get(tag.slug)}` });
        else seen.set(tag.slug, i);
      });
    })
);

/** `POST /api/crm/tags/apply`: the tag to give, the customers to give it to, and where the assignment comes from. */
export const applyTagBodySchema = z
  .object({
    tag_id: id,
    customer_ids: z.array(id).min(1, 'give at least one customer id').max(CRM_APPLY_MAX, `at most ${CRM_APPLY_MAX} customer ids per request`),
    /** Recorded on each new assignment (`rule` is the auto rules' own: a rule run would remove it). */
    source: z.enum(TAG_APPLY_SOURCES).default('api'),
  })
  .strict();

/** A customer's segments, among those the caller may see (current membership). */
const profileSegmentSchema = z.object({ id: z.number(), key: z.string(), name: z.string() });

/** The admin profile (contact masked without the sensitive permission, tags the caller may see) with the segments the caller may see. */
export const crmProfileSchema = profileSchema.extend({ segments: z.array(profileSegmentSchema) });

export const crmApi = {
  customerProfile: endpoint({
    method: 'GET',
    path: '/crm/customers/:id/profile',
    params: idParams,
    response: dataOf(crmProfileSchema),
    audit: 'sensitive',
  }),
  createTags: endpoint({ method: 'POST', path: '/crm/tags', body: createTagsBodySchema, response: dataOf(z.array(tagSchema)), statuses: [201] }),
  applyTag: endpoint({
    method: 'POST',
    path: '/crm/tags/apply',
    body: applyTagBodySchema,
    wrappedBody: true,
    /** `applied`: customers newly tagged; `alreadyTagged`: the others (they kept their assignment as it was). */
    response: dataOf(z.object({ tagId: z.number(), applied: z.number(), alreadyTagged: z.number() })),
  }),
  updateTag: endpoint({ method: 'PUT', path: '/crm/tags/:id', params: idParams, body: updateTagSchema, wrappedBody: true, response: dataOf(tagSchema) }),
  /** `removedAssignments`: customers who carried it. */
  deleteTag: endpoint({
    method: 'DELETE',
    path: '/crm/tags/:id',
    params: idParams,
    response: dataOf(z.object({ id: z.number(), removedAssignments: z.number() })),
  }),
};

export type CrmProfile = z.infer<typeof crmProfileSchema>;
