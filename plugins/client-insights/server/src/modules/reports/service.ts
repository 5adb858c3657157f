import type { Core } from '@strapi/strapi';
import type { AnalyticsQuery, AttributionQuery, CampaignListItem, CampaignListQuery, TrendsQuery } from '../../../../shared/contracts/reports';
import { UID } from '../../core/constants';
import { withLock } from '../../core/db/dialect';
import { hostTables } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { backgroundJobsOff } from '../../core/jobs/scheduler';
import { getService } from '../../get-service';
import type { Viewer } from '../segments/visibility';
import { periodFiguresKind, segmentAnalytics } from './analytics';
import { campaignAttribution, type CampaignRow } from './attribution';
import { refreshStored } from './stored-figures';
import { bucketFiguresKind, segmentTrends } from './trends';

/** The job that keeps stored report figures current (stored-figures.ts), and its lock. */
const REFRESH_JOB = 'reports.stored-figures';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** The segment the viewer names (id, documentId or key) among those they may see; 404 otherwise, as for a missing one. */
  const visibleWith = async (viewer: Viewer, ref: string) => {
    const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
    const segment = visible.find((s) => String(s.id) === ref || s.documentId === ref || s.key === ref);
    if (!segment) throw ApiError.notFound(`segment "${ref}" not found`);
    return { segment, visible };
  };
  /** A campaign by id or documentId; 404 otherwise. */
  const campaignOf = async (ref: string): Promise<CampaignRow> => {
    const where = /^\d+$/.test(ref) ? { id: Number(ref) } : { documentId: ref };
    const row = await strapi.db.query(UID.campaign).findOne({ where });
    if (!row) throw ApiError.notFound(`campaign "${ref}" not found`);
    const date = (v: unknown) => (v ? new Date(v as string) : null);
    return {
      id: row.id,
      documentId: row.documentId,
      name: row.name,
      budget: row.budget === null || row.budget === undefined ? null : Number(row.budget),
      holdoutPercent: Number(row.holdout_percent ?? 0),
      startedAt: date(row.started_at),
      endedAt: date(row.ended_at),
    };
  };
  const refreshAll = async () => {
    const knex = strapi.db.connection;
    await refreshStored(knex, periodFiguresKind(knex, hostTables(strapi)));
    await refreshStored(knex, bucketFiguresKind(knex));
  };
  /**
   * Recomputes the stale stored figures, never awaited by a question; one at a time across nodes
   * (the job's lock). A nudge during a refresh runs it once more after: that one may have read
   * the rows before the change that made this question stale.
   */
  let refreshing: Promise<void> | null = null;
  let again = false;
  const refreshSoon = () => {
    if (backgroundJobsOff()) return;
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = (async () => {
      do {
        again = false;
        await withLock(strapi.db.connection, `job:${REFRESH_JOB}`, refreshAll, { wait: false });
      } while (again);
    })()
      .catch((error) => void strapi.log.warn(`[client-insights] refreshing stored report figures failed: ${(error as Error).message}`))
      .finally(() => (refreshing = null));
  };
  const ruleNames = async (docs: string[]) => {
    if (!docs.length) return new Map<string, string>();
    const rows = await strapi.db.query(UID.automationRule).findMany({ where: { documentId: { $in: docs } }, select: ['documentId', 'name'] });
    return new Map<string, string>(rows.map((r: any) => [r.documentId, r.name]));
  };
  return {
    async analytics(viewer: Viewer, ref: string, q: AnalyticsQuery) {
      const { segment, visible } = await visibleWith(viewer, ref);
      return segmentAnalytics(strapi.db.connection, hostTables(strapi), segment, visible, q, { onStale: refreshSoon });
    },
    /** Every 5 minutes: the stored figures asked for lately whose inputs changed are computed again. */
    scheduleRefresh() {
      getService(strapi, 'scheduler').schedule({
        name: REFRESH_JOB,
        cron: '*/5 * * * *',
        run: refreshAll,
      });
    },
    /** Waits for a refresh under way (shutdown, tests). */
    async settled() {
      await refreshing;
    },
    async trends(viewer: Viewer, ref: string, q: TrendsQuery) {
      const { segment } = await visibleWith(viewer, ref);
      return segmentTrends(strapi.db.connection, segment, q, { onStale: refreshSoon });
    },
    async attribution(viewer: Viewer, ref: string, q: AttributionQuery) {
      const campaign = await campaignOf(ref);
      const found = q.segmentId ? (await visibleWith(viewer, q.segmentId)).segment : null;
      const segment = found ? { id: found.id, key: found.key, name: found.name } : null;
      return campaignAttribution(strapi.db.connection, hostTables(strapi), campaign, segment, q, ruleNames);
    },
    /** Campaigns by name (then id), those whose name holds `q` in any case when given. */
    async campaigns(q: CampaignListQuery): Promise<CampaignListItem[]> {
      const rows = await strapi.db.query(UID.campaign).findMany({
        where: q.q ? { name: { $containsi: q.q } } : {},
        select: ['id', 'name', 'channel', 'holdout_percent'],
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        limit: q.limit,
      });
      return rows.map((r: any) => ({ id: r.id, name: r.name, channel: r.channel ?? null, holdoutPercent: Number(r.holdout_percent ?? 0) }));
    },
  };
};
