import type { Core } from '@strapi/strapi';
import { hostTables } from '../../core/db/tables';
import { getService } from '../../get-service';
import type { Viewer } from '../segments/visibility';
import { computeKpis } from './kpis';
import { valueCharts } from './value-charts';

const COUNTED = ['customer', 'segment', 'tag', 'order', 'interaction'] as const;

export type OverviewCounts = Record<(typeof COUNTED)[number], number>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Row counts straight from the tables, one aggregate each; segments as the viewer's list shows them. */
  async counts(viewer: Viewer): Promise<OverviewCounts> {
    const knex = strapi.db.connection;
    const t = hostTables(strapi);
    const tables: Record<(typeof COUNTED)[number], string> = {
      customer: t.customers,
      segment: t.segments,
      tag: t.tags,
      order: t.orders,
      interaction: t.interactions,
    };
    const entries = await Promise.all(
      COUNTED.map(async (key) => {
        if (key === 'segment') return [key, (await getService(strapi, 'segments').list(viewer, { page: 1, pageSize: 1 })).meta.pagination.total] as const;
        const table = tables[key];
        const row = await knex(table).count({ n: '*' }).first();
        return [key, Number(row?.n ?? 0)] as const;
      })
    );
    return Object.fromEntries(entries) as OverviewCounts;
  },
  kpis: (now?: Date, closed?: boolean) => computeKpis(strapi, now, closed),
  valueCharts: () => valueCharts(strapi),
});
