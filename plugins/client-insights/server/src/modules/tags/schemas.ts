import { z } from 'zod';

/** Request bodies of the tag-center endpoints (validated at the controller edge). */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'lower-case letters, digits, - and _ only').max(100);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #aabbcc');

export const tagFields = {
  name: z.string().trim().min(1).max(100),
  slug,
  category: z.enum(['basic', 'behavior', 'value', 'risk']),
  description: z.string().max(2000).nullable(),
  color: color.nullable(),
  /** An auto-tagging rule (RULES.md), or null for a manual tag. */
  rule: z.unknown().nullable(),
  visibility: z.enum(['private', 'team', 'global']),
};

export const createTagSchema = z
  .object({
    ...tagFields,
    slug: slug.optional(),
    description: tagFields.description.optional(),
    color: tagFields.color.optional(),
    rule: tagFields.rule.optional(),
    visibility: tagFields.visibility.default('global'),
  })
  .strict();

export const updateTagSchema = z.object(tagFields).omit({ slug: true }).partial().strict();

export const mergeSchema = z
  .object({ source: z.number().int().positive(), target: z.number().int().positive() })
  .strict()
  .refine((b) => b.source !== b.target, { message: 'source and target must be different tags', path: ['target'] });

const ids = z.array(z.number().int().positive()).min(1).max(100_000);

export const bulkSchema = z
  .object({
    action: z.enum(['apply', 'remove']),
    /** A segment (id or key): its current members. */
    segment: z.union([z.number().int().positive(), z.string().min(1).max(100)]).optional(),
    customerIds: ids.optional(),
    expiresAt: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine((b) => (b.segment === undefined) !== (b.customerIds === undefined), { message: 'give either segment or customerIds', path: ['segment'] });

export const listQuerySchema = z.object({
  category: z.enum(['basic', 'behavior', 'value', 'risk']).optional(),
  q: z.string().max(100).optional(),
});

export const zodErrors = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: `/${i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`, message: i.message }));
