/** What the PostgreSQL benchmarks share: the connection from DATABASE_*, timers and formatting, synthetic segments. */
import knexFactory, { type Knex } from 'knex';
import type { ExportField } from '../plugins/client-insights/shared/export-fields';
import type { SegmentRow } from '../plugins/client-insights/server/src/modules/segments/repository';
import { HOST_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { chosenFields, listReader } from '../plugins/client-insights/server/src/modules/exports/fields';
import { csvText, storeCsv, storeXlsx } from '../plugins/client-insights/server/src/modules/exports/store';
import { XLSX_MAX_ROWS } from '../plugins/client-insights/server/src/modules/exports/xlsx';

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
export const fmt = (x: number | null) => (x === null ? 'n/a' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);

export const connect = (script: string, poolMax = 12): Knex => {
  const client = process.env.DATABASE_CLIENT ?? 'postgres';
  if (client !== 'postgres') throw new Error(`${script} runs on PostgreSQL (DATABASE_CLIENT=postgres)`);
  return knexFactory({
    client: 'pg',
    connection: {
      host: process.env.DATABASE_HOST ?? '127.0.0.1',
      port: Number(process.env.DATABASE_PORT ?? 5432),
      database: process.env.DATABASE_NAME ?? 'ci_bench_100k',
      user: process.env.DATABASE_USERNAME ?? 'postgres',
      password: process.env.DATABASE_PASSWORD ?? '',
    },
    pool: { min: 0, max: poolMax },
  });
};

export const databaseOf = (knex: Knex) => String((knex.client as any).config.connection.database);

/** A segment as the executor loads it, under a synthetic id. */
export const benchSegment = (id: number, rule: unknown, priority = 100): SegmentRow => ({
  id,
  documentId: `bench-${id}`,
  key: `bench-${id}`,
  name: `bench ${id}`,
  description: null,
  type: 'dynamic',
  rule,
  status: 'active',
  priority,
  parentId: null,
  ownerId: null,
  visibility: 'team',
  scheduleCron: null,
  scheduleTimezone: null,
  memberCount: 0,
  lastCalculatedAt: null,
});

/** 20 fields: contact data (decrypted), codes translated, dates formatted, metrics, scores, tags. */
export const BENCH_EXPORT_FIELDS: ExportField[] = [
  'customer.id',
  'customer.name',
  'customer.email',
  'customer.phone',
  'customer.region',
  'customer.education',
  'customer.stage',
  'customer.lead_source',
  'customer.created_at',
  'metrics.order_count',
  'metrics.total_spent',
  'metrics.gross_margin',
  'metrics.avg_order_value',
  'metrics.last_order_at',
  'metrics.last_interaction_at',
  'score.r',
  'score.f',
  'score.m',
  'score.quadrant',
  'tags',
];

/**
 * The customers of `ids` (a query selecting `customer_id`) from `table` × BENCH_EXPORT_FIELDS, as the
 * export job writes them: into ci_export_chunks under `jobId`, deleted again before and after.
 */
export const writeBenchExport = async (knex: Knex, table: string, ids: Knex.QueryBuilder, format: 'csv' | 'xlsx', jobId: number) => {
  await knex(TABLES.exportChunks).where({ job_id: jobId }).delete();
  try {
    const total = Number((await knex.from(ids.clone().as('m')).count({ n: '*' }).first())?.n ?? 0);
    const tags = new Set<number>((await knex(HOST_TABLES.tags).pluck('id')).map(Number));
    const fields = chosenFields(knex, table, BENCH_EXPORT_FIELDS, { locale: 'zh-Hans', timeZone: 'Asia/Shanghai' }, true, format === 'xlsx' ? 'excel' : 'text');
    const batches = fields.batches(
      ids,
      listReader(knex, HOST_TABLES.tags, BENCH_EXPORT_FIELDS, async () => ({ tags, segments: new Map() }))
    );
    const ctx = { progress: async () => undefined };
    return format === 'csv'
      ? await storeCsv(knex, jobId, csvText(fields.labels, batches), total, ctx)
      : await storeXlsx(knex, jobId, { labels: fields.labels, batches, total, maxRows: XLSX_MAX_ROWS }, ctx);
  } finally {
    await knex(TABLES.exportChunks).where({ job_id: jobId }).delete();
  }
};
