import type { Core } from '@strapi/strapi';
import type { Monitoring, MonitoringQuery } from '../../../../shared/contracts/reports';
import { hostTables } from '../../core/db/tables';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { ALL_CUSTOMERS, periodFigures } from './analytics-sql';
import { automationFigures, churnAccuracy, coverage, lastTwoRuns, lifecycleFigures, ratio, runFigures, tagFigures } from './monitoring-sql';
import { periodJson, periodOf } from './periods';

/**
 * The monitoring report (seed 000 §8, seed 004 §8.1): segment coverage and runs, automation
 * outcomes, value-model quality, tag activity and lifecycle rates over a period.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async monitoring(viewer: Viewer, q: MonitoringQuery): Promise<Monitoring> {
    const knex = strapi.db.connection;
    const t = hostTables(strapi);
    const p = periodOf(q.from, q.to, q.timeZone);
    const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
    const cover = await coverage(
      knex,
      t,
      visible.map((s) => s.id),
      p
    );
    const runs = await runFigures(knex, p);
    const automation = await automationFigures(knex, p);
    const { from, to } = await lastTwoRuns(knex, p);
    // Quadrant transitions: the values module's migration matrix between the two runs.
    const migration = from !== undefined && to !== undefined ? (await getService(strapi, 'values').migration(from, to)).cells : [];
    const both = migration.filter((c) => c.from !== 'none' && c.to !== 'none');
    const compared = both.reduce((s, c) => s + c.customers, 0);
    const moved = both.filter((c) => c.from !== c.to).reduce((s, c) => s + c.customers, 0);
    // Retention as segment analytics defines it for all customers (its benchmark): the same statement.
    const [all] = await periodFigures(knex, t, [{ period: p, segmentIds: [] }]);
    const { base, kept } = all.get(ALL_CUSTOMERS) ?? { base: 0, kept: 0 };
    const life = await lifecycleFigures(knex, t, p);
    // The board as of the end, closed (no later rows) for a period in the past; the overview's own figures when it reaches now.
    const now = new Date();
    const board = p.end <= now ? await getService(strapi, 'overview').kpis(p.end, true) : await getService(strapi, 'overview').kpis(now);
    return {
      period: periodJson(p),
      segments: {
        customers: cover.customers,
        covered: cover.covered,
        coverage: ratio(cover.covered, cover.customers),
        runs: runs.runs,
        failedRuns: runs.failed,
        runsPerDay: runs.runs / runs.days,
        avgMembers: runs.avgMembers,
        hitRate: runs.avgMembers === null ? null : ratio(runs.avgMembers, cover.customers),
        avgDurationMs: runs.avgDurationMs,
      },
      automation: {
        ...automation,
        successRate: ratio(automation.succeeded, automation.succeeded + automation.failed),
        errorRate: ratio(automation.failed, automation.succeeded + automation.failed),
      },
      values: {
        fromRun: from ?? null,
        toRun: to ?? null,
        compared,
        moved,
        transitionRate: ratio(moved, compared),
        churn: await churnAccuracy(knex, t, p, q.horizonDays),
      },
      tags: await tagFigures(knex, t, p),
      lifecycle: {
        retentionBase: base,
        retained: kept,
        retentionRate: ratio(kept, base),
        ...life,
        repurchaseRate: ratio(life.repeatBuyers, life.buyers),
        referralRate: ratio(life.referred, life.newCustomers),
        complaintRate: ratio(life.complainants, life.activeCustomers),
      },
      board,
    };
  },
});
