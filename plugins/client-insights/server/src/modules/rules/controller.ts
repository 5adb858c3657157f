import type { Core } from '@strapi/strapi';
import { maskContact, seesContact } from '../customers/mask';
import { z } from 'zod';
import { catalogue } from './catalogue';
import { validateRule } from './validate';
import { MAX_SAMPLE_SIZE } from './preview';
import { getService } from '../../get-service';
import { viewerOf } from '../segments/controller';

/** Body of preview / validate. The rule itself is checked by validateRule (JSON pointers into it). */
const body = z
  .object({
    rule: z.unknown().refine((v) => v !== undefined, { message: 'a rule is required' }),
    now: z.string().datetime({ offset: true }).optional(),
    sampleSize: z.number().int().min(0).max(MAX_SAMPLE_SIZE).optional(),
    /** When editing a segment: leave it out of the duplicate check, and preview it within its stored parent. */
    segmentId: z.number().int().positive().optional(),
    /** Preview as a child of this segment (id, document id or key): within its rules, as a run would; null: as a root. */
    parent: z.union([z.number().int().positive(), z.string().trim().min(1).max(255)]).nullable().optional(),
  })
  .strict();

/** 400 with `{ errors: [{ path, message }] }`: `target` says whether paths point into the body or the rule. */
const badRequest = (ctx: any, target: 'body' | 'rule', errors: Array<{ path: string; message: string }>) => {
  ctx.status = 400;
  ctx.body = { error: { status: 400, name: 'ValidationError', message: errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ') }, target, errors };
};

/** Parses the body and validates the rule; answers 400 and returns null when either is wrong. */
const readBody = (ctx: any) => {
  const parsed = body.safeParse(ctx.request.body ?? {});
  if (!parsed.success) {
    badRequest(
      ctx,
      'body',
      parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }))
    );
    return null;
  }
  const validation = validateRule(parsed.data.rule);
  if (!validation.valid) {
    badRequest(ctx, 'rule', validation.errors);
    return null;
  }
  return parsed.data;
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async catalogue(ctx) {
    ctx.body = { data: catalogue() };
  },

  async preview(ctx) {
    const input = readBody(ctx);
    if (!input) return;
    const scope = await getService(strapi, 'segments').previewScope(viewerOf(ctx), { parent: input.parent, segmentId: input.segmentId });
    if ('notFound' in scope) return badRequest(ctx, 'body', [{ path: '/parent', message: `segment "${scope.notFound}" not found` }]);
    const result = await getService(strapi, 'rules').preview({
      rule: input.rule,
      now: input.now ? new Date(input.now) : undefined,
      sampleSize: input.sampleSize,
      excludeSegmentId: input.segmentId,
      within: scope.scope ?? undefined,
    });
    const sees = seesContact(ctx);
    ctx.body = { data: { ...result, sample: result.sample.map((row) => maskContact(row, sees)) } };
  },

  async validate(ctx) {
    const input = readBody(ctx);
    if (!input) return;
    ctx.body = { data: await getService(strapi, 'rules').check(input.rule, { excludeSegmentId: input.segmentId }) };
  },
});
