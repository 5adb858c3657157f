import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { storedJson } from '../../core/security/stored-json';
import { analyseRule, duplicateWarnings, type SegmentRef } from './analyse';
import type { RuleWarning } from './types';
import { parseRuleOrThrow } from './validate';
import { previewRule, type PreviewInput, type PreviewResult } from './preview';

export type PreviewOptions = Omit<PreviewInput, 'extraWarnings'> & { excludeSegmentId?: number };

/** Rule preview and analysis for the builder and the API (nothing is stored). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** `duplicate` warnings: segments (other than `excludeSegmentId`) whose rule has the same canonical form. */
  const duplicates = async (rule: unknown, excludeSegmentId?: number): Promise<RuleWarning[]> => {
    const segments = (await strapi.db.query(UID.segment as any).findMany({ select: ['id', 'key', 'name', 'rule'] })) as SegmentRef[];
    return duplicateWarnings(
      rule,
      segments.filter((s) => s.id !== excludeSegmentId).map((s) => ({ ...s, rule: storedJson(s.rule) }))
    );
  };

  return {
    duplicates,

    /** Static analysis of a valid rule, without running it (the controller answers invalid ones; throws RuleValidationError otherwise). */
    async check(rule: unknown, { excludeSegmentId }: { excludeSegmentId?: number } = {}): Promise<{ valid: true; errors: []; warnings: RuleWarning[] }> {
      parseRuleOrThrow(rule);
      return { valid: true, errors: [], warnings: [...analyseRule(rule), ...(await duplicates(rule, excludeSegmentId))] };
    },

    /** Count, share, sample and risk split of a valid rule (throws RuleValidationError otherwise). */
    async preview({ excludeSegmentId, ...input }: PreviewOptions): Promise<PreviewResult> {
      const extraWarnings = await duplicates(input.rule, excludeSegmentId);
      return previewRule(strapi.db.connection, { ...input, extraWarnings });
    },
  };
};
