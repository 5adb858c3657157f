import type { Core } from '@strapi/strapi';
import { rulesApi } from '../../../../shared/contracts/rules';
import { ApiError, prefixed } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { seesContact } from '../../core/http/viewer';
import { checkRuleReads } from '../../core/security/sensitive';
import { getService } from '../../get-service';
import { maskContact } from '../customers/mask';
import { catalogue } from './catalogue';
import { validateRule } from './validate';

/** The rule itself, checked by the rule validator: a refused rule is a 400 with pointers under /rule. */
const checkRule = (rule: unknown) => {
  const validation = validateRule(rule);
  if (!validation.valid) throw ApiError.invalid(prefixed('/rule', validation.errors));
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  catalogue: (ctx) => respond(ctx, rulesApi.catalogue, () => ({ data: catalogue() })),

  preview: (ctx) =>
    respond(ctx, rulesApi.preview, async ({ body, viewer }) => {
      checkRule(body.rule);
      checkRuleReads(body.rule, seesContact(viewer));
      await getService(strapi, 'rules').refuseUnseen(viewer, body.rule);
      const scope = await getService(strapi, 'segments').previewScope(viewer, { parent: body.parent, segmentId: body.segmentId });
      const result = await getService(strapi, 'rules').preview({
        rule: body.rule,
        now: body.now ? new Date(body.now) : undefined,
        sampleSize: body.sampleSize,
        excludeSegmentId: body.segmentId,
        viewer,
        within: scope ?? undefined,
      });
      const sees = seesContact(viewer);
      return { data: { ...result, sample: result.sample.map((row) => maskContact(row, sees)) } };
    }),

  validate: (ctx) =>
    respond(ctx, rulesApi.validate, async ({ body, viewer }) => {
      checkRule(body.rule);
      checkRuleReads(body.rule, seesContact(viewer));
      await getService(strapi, 'rules').refuseUnseen(viewer, body.rule);
      return { data: await getService(strapi, 'rules').check(viewer, body.rule, { excludeSegmentId: body.segmentId }) };
    }),
});
