import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TABLES } from '../../core/db/tables';
import type { Observation } from '../../core/observe';

/** Seconds: previews answer in tens of milliseconds, runs at 1M customers take a second or more. */
const PREVIEW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RUN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The queues measured on every scrape: the statuses of work waiting or under way (not the finished history). */
const QUEUES: { queue: string; table: string; statuses: string[] }[] = [
  { queue: 'segment_runs', table: TABLES.segmentRuns, statuses: ['queued', 'running'] },
  { queue: 'jobs', table: TABLES.jobs, statuses: ['queued', 'running'] },
  { queue: 'automation_outbox', table: TABLES.automationOutbox, statuses: ['pending', 'claimed', 'dead'] },
];

/**
 * The plugin's own registry (not prom-client's global one: a second Strapi in the same process,
 * as tests boot, starts from zero) with the metrics of seed 004 §8.1 that the server can measure.
 */
export const createMetrics = (knex: () => Knex) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const preview = new Histogram({
    name: 'ci_preview_duration_seconds',
    help: 'Rule preview latency (count, share, sample).',
    buckets: PREVIEW_BUCKETS,
    registers,
  });
  const run = new Histogram({
    name: 'ci_segment_run_duration_seconds',
    help: 'Segment run latency, by outcome.',
    labelNames: ['status'],
    buckets: RUN_BUCKETS,
    registers,
  });
  const outcomes = new Counter({ name: 'ci_segment_runs_total', help: 'Segment runs finished, by outcome.', labelNames: ['status'], registers });
  const http = new Histogram({
    name: 'ci_http_request_duration_seconds',
    help: 'HTTP API latency by route pattern, method and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'ci_queue_depth',
    help: 'Rows waiting or under way per queue and status, read on each scrape.',
    labelNames: ['queue', 'status'],
    registers,
    async collect() {
      this.reset();
      for (const { queue, table, statuses } of QUEUES) {
        const rows = await knex()(table).whereIn('status', statuses).groupBy('status').select('status').count({ n: '*' });
        const found = new Map(rows.map((r: any) => [String(r.status), Number(r.n)]));
        for (const status of statuses) this.set({ queue, status }, found.get(status) ?? 0);
      }
    },
  });
  return {
    registry,
    record(o: Observation) {
      if (o.kind === 'preview') preview.observe(o.seconds);
      else {
        run.observe({ status: o.status }, o.seconds);
        outcomes.inc({ status: o.status });
      }
    },
    http,
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
