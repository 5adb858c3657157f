import { maskContact } from '../customers/mask';
import { ApiError } from '../../core/http/errors';
import type { SegmentsContext } from './context';
import { getRun } from './runs';
import { ownerRolesOf } from '../../core/security/visibility';
import { canSee, viewerSeesContact, type Viewer } from './visibility';

/**
 * Who may see which segment and its results, and what of a member they see. Segments and results
 * the viewer may not see answer 404, as if they did not exist; contact data is masked for viewers
 * without the permission (the rules themselves are in visibility.ts and customers/mask.ts).
 */
export const createAccess = ({ strapi, knex, loadSegments }: SegmentsContext) => {
  const visibleSegments = async (viewer: Viewer) => {
    const all = await loadSegments();
    const roles = await ownerRolesOf(strapi, all);
    return { all, visible: all.filter((s) => canSee(viewer, s, roles)) };
  };

  return {
    visibleSegments,

    /** A segment the viewer may see, by id, document id or key; 404 otherwise (hidden ones do not exist for them). */
    async resolve(viewer: Viewer, ref: string | number) {
      const { all, visible } = await visibleSegments(viewer);
      const text = String(ref);
      const segment = visible.find((s) => String(s.id) === text || s.documentId === text || s.key === text);
      if (!segment) throw ApiError.notFound(`segment "${text}" not found`);
      return { segment, all, visible };
    },

    /** A run (result) of a segment the viewer may see; 404 otherwise. */
    async runFor(viewer: Viewer, ref: string) {
      const run = await getRun(knex(), ref);
      if (!run) throw ApiError.notFound(`result "${ref}" not found`);
      const { visible } = await visibleSegments(viewer);
      if (!visible.some((s) => s.id === Number(run.segment_id))) throw ApiError.notFound(`result "${ref}" not found`);
      return run;
    },
  };
};

export type Access = ReturnType<typeof createAccess>;

/** Member rows with contact data masked for viewers without the permission. */
export const maskedRows = <R extends { name: string | null }>(viewer: Viewer, rows: R[]): R[] => {
  const sees = viewerSeesContact(viewer);
  return rows.map((row) => maskContact(row, sees));
};

/** A member page with contact data masked for viewers without the permission. */
export const maskedPage = <P extends { data: Array<{ name: string | null }> }>(viewer: Viewer, page: P): P => ({
  ...page,
  data: maskedRows(viewer, page.data),
});
