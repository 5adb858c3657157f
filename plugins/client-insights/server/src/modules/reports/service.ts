import type { Core } from '@strapi/strapi';
import type { AnalyticsQuery, TrendsQuery } from '../../../../shared/contracts/reports';
import { hostTables } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { getService } from '../../get-service';
import type { Viewer } from '../segments/visibility';
import { segmentAnalytics } from './analytics';
import { segmentTrends } from './trends';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The segment the viewer names (id, documentId or key) among those they may see; 404 otherwise, as for a missing one. */
  const visibleWith = async (viewer: Viewer, ref: string) => {
    const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
    const segment = visible.find((s) => String(s.id) === ref || s.documentId === ref || s.key === ref);
    if (!segment) throw ApiError.notFound(`segment "${ref}" not found`);
    return { segment, visible };
  };
  return {
    async analytics(viewer: Viewer, ref: string, q: AnalyticsQuery) {
      const { segment, visible } = await visibleWith(viewer, ref);
      return segmentAnalytics(strapi.db.connection, hostTables(strapi), segment, visible, q);
    },
    async trends(viewer: Viewer, ref: string, q: TrendsQuery) {
      const { segment } = await visibleWith(viewer, ref);
      return segmentTrends(strapi.db.connection, segment, q);
    },
  };
};
