import type { Core } from '@strapi/strapi';
import { rulesApi } from '../../../../shared/contracts/rules';
import { ApiError, prefixed } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { seesContact, type Viewer } from '../../core/http/viewer';
import { isStatementTimeout } from '../../core/db/dialect';
import { createConcurrencyGate } from '../../core/security/concurrency';
import { securityConfig } from '../../core/security/config';
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

/** Who runs a preview, for the per-caller limit: an admin user, or an API token. */
const callerKey = (ctx: any, viewer: Viewer) =>
  viewer.kind === 'admin' ? `admin:${viewer.userId}` : `token:${ctx.state?.auth?.credentials?.id ?? ctx.request?.ip ?? 'anonymous'}`;

const previews = createConcurrencyGate();

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  catalogue: (ctx) => respond(ctx, rulesApi.catalogue, () => ({ data: catalogue() })),

  preview: (ctx) =>
    respond(ctx, rulesApi.preview, async ({ body, viewer }) => {
      // The permission first: a caller who may not read a field learns nothing else about rules on it.
      checkRuleReads(body.rule, seesContact(viewer));
      checkRule(body.rule);
      await getService(strapi, 'rules').refuseUnseen(viewer, body.rule);
      // A preview reads every customer: bounded in time and in how many one caller runs at once.
      const { previewTimeoutMs, previewsPerCaller } = securityConfig(strapi);
      const release = previews.enter(callerKey(ctx, viewer), previewsPerCaller);
      if (!release)
        throw new ApiError(429, `at most ${previewsPerCaller} previews may run at once per user; wait for the running ones to finish`, [], 'RateLimitError');
      let result: Awaited<ReturnType<ReturnType<typeof getService<'rules'>>['preview']>>;
      try {
        const scope = await getService(strapi, 'segments').previewScope(viewer, { parent: body.parent, segmentId: body.segmentId });
        result = await getService(strapi, 'rules').preview({
          rule: body.rule,
          now: body.now ? new Date(body.now) : undefined,
          sampleSize: body.sampleSize,
          excludeSegmentId: body.segmentId,
          viewer,
          within: scope ?? undefined,
          timeoutMs: previewTimeoutMs,
        });
      } catch (error) {
        if (!isStatementTimeout(error)) throw error;
        throw new ApiError(
          503,
          `the preview took longer than ${previewTimeoutMs / 1000} s and was stopped; narrow the rule (fewer conditions, or within a parent segment) and try again`,
          [],
          'ServiceUnavailableError'
        );
      } finally {
        release();
      }
      const sees = seesContact(viewer);
      return { data: { ...result, sample: result.sample.map((row) => maskContact(row, sees)) } };
    }),

  validate: (ctx) =>
    respond(ctx, rulesApi.validate, async ({ body, viewer }) => {
      // The permission first: a caller who may not read a field learns nothing else about rules on it.
      checkRuleReads(body.rule, seesContact(viewer));
      checkRule(body.rule);
      await getService(strapi, 'rules').refuseUnseen(viewer, body.rule);
      return { data: await getService(strapi, 'rules').check(viewer, body.rule, { excludeSegmentId: body.segmentId }) };
    }),
});
