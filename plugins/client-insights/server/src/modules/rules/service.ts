import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { ApiError } from '../../core/http/errors';
import type { Viewer } from '../../core/http/viewer';
import { visibleTo } from '../../core/security/visibility';
import { storedJson } from '../../core/security/stored-json';
import { analyseRule, duplicateWarnings, type SegmentRef } from './analyse';
import { referencedSegmentKeys, referencedTagSlugs } from './compile';
import type { RuleWarning } from './types';
import { parseRuleOrThrow } from './validate';
import { previewRule, type PreviewInput, type PreviewResult } from './preview';
import { observe } from '../../core/observe';

export type PreviewOptions = Omit<PreviewInput, 'extraWarnings'> & { excludeSegmentId?: number; viewer: Viewer };

const ownerIdOf = (row: any) => (row.owner?.id === undefined || row.owner?.id === null ? null : Number(row.owner.id));

/** Rule preview and analysis for the builder and the API (nothing is stored). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The segments and tags the viewer may see (core/security/visibility.ts): what a rule of theirs may name. */
  const visibleSegments = async (viewer: Viewer) => {
    const rows = await strapi.db
      .query(UID.segment as any)
      .findMany({ select: ['id', 'key', 'name', 'rule', 'visibility'], populate: { owner: { select: ['id'] } } });
    return visibleTo(
      strapi,
      viewer,
      rows.map((r: any) => ({ id: Number(r.id), key: r.key, name: r.name, rule: r.rule, visibility: r.visibility, ownerId: ownerIdOf(r) }))
    );
  };
  const visibleTagSlugs = async (viewer: Viewer) => {
    const rows = await strapi.db.query(UID.tag as any).findMany({ select: ['slug', 'visibility'], populate: { owner: { select: ['id'] } } });
    const tags = await visibleTo(
      strapi,
      viewer,
      rows.map((r: any) => ({ slug: r.slug as string, visibility: r.visibility, ownerId: ownerIdOf(r) }))
    );
    return new Set(tags.map((t) => t.slug));
  };

  /** `duplicate` warnings: segments the viewer may see (other than `excludeSegmentId`) whose rule has the same canonical form. */
  const duplicates = async (viewer: Viewer, rule: unknown, excludeSegmentId?: number): Promise<RuleWarning[]> => {
    const segments = (await visibleSegments(viewer)) as SegmentRef[];
    return duplicateWarnings(
      rule,
      segments.filter((s) => s.id !== excludeSegmentId).map((s) => ({ ...s, rule: storedJson(s.rule) }))
    );
  };

  /**
   * A rule may name only segments (in_segment) and tags (has_tag) its author may see: one the
   * viewer may not see is refused with the very answer an unknown one gets, so nothing is disclosed.
   */
  const refuseUnseen = async (viewer: Viewer, rule: unknown) => {
    const keys = referencedSegmentKeys(rule);
    const slugs = referencedTagSlugs(rule);
    const errors: Array<{ path: string; message: string }> = [];
    if (keys.length) {
      const seen = new Set((await visibleSegments(viewer)).map((s) => s.key));
      for (const key of keys) if (!seen.has(key)) errors.push({ path: '/rule', message: `in_segment refers to unknown segment "${key}"` });
    }
    if (slugs.length) {
      const seen = await visibleTagSlugs(viewer);
      for (const slug of slugs) if (!seen.has(slug)) errors.push({ path: '/rule', message: `has_tag refers to unknown tag "${slug}"` });
    }
    if (errors.length) throw ApiError.invalid(errors);
  };

  return {
    duplicates,
    refuseUnseen,

    /** Static analysis of a valid rule, without running it (the controller answers invalid ones; throws RuleValidationError otherwise). */
    async check(
      viewer: Viewer,
      rule: unknown,
      { excludeSegmentId }: { excludeSegmentId?: number } = {}
    ): Promise<{ valid: true; errors: []; warnings: RuleWarning[] }> {
      parseRuleOrThrow(rule);
      return { valid: true, errors: [], warnings: [...analyseRule(rule), ...(await duplicates(viewer, rule, excludeSegmentId))] };
    },

    /** Count, share, sample and risk split of a valid rule (throws RuleValidationError otherwise). */
    async preview({ excludeSegmentId, viewer, ...input }: PreviewOptions): Promise<PreviewResult> {
      const extraWarnings = await duplicates(viewer, input.rule, excludeSegmentId);
      const result = await previewRule(strapi.db.connection, { ...input, extraWarnings });
      observe({ kind: 'preview', seconds: result.durationMs / 1000 });
      return result;
    },
  };
};
