import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';

/**
 * Segment execution settings, from `config/plugins.ts` → `client-insights.config.segments`
 * (read on every use, so a change through strapi.config applies to the next run).
 */
export type SegmentsConfig = {
  /** A run taking longer is aborted; the previous membership stays current. */
  timeoutMs: number;
  /** Attempts for transient database failures (deadlock, serialisation, lost connection). */
  retries: number;
  retryBaseMs: number;
  /** Member snapshots (and change lists) kept per segment besides the current one. */
  retainRuns: number;
  /** Executions at once per process; each holds a lock connection plus a working one. */
  maxConcurrent: number;
  /** Customer changes are gathered this long before dynamic segments are re-evaluated. */
  changeDebounceMs: number;
  /** How often each node reloads segment schedules and looks for interrupted runs. */
  syncIntervalMs: number;
  /** On shutdown, runs in progress get this long to finish before the process stops (else recovery redoes them). */
  shutdownGraceMs: number;
};

export const DEFAULTS: SegmentsConfig = {
  timeoutMs: 10 * 60_000,
  retries: 3,
  retryBaseMs: 200,
  retainRuns: 5,
  maxConcurrent: 3,
  changeDebounceMs: 500,
  syncIntervalMs: 60_000,
  shutdownGraceMs: 30_000,
};

export const segmentsConfig = (strapi: Core.Strapi): SegmentsConfig => ({
  ...DEFAULTS,
  ...((strapi.config.get(`plugin::${PLUGIN_ID}.segments`, {}) as Partial<SegmentsConfig>) ?? {}),
});
