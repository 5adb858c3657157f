import type { Core } from '@strapi/strapi';
import type { DeliveryChannel } from '../../../../../shared/enums';
import { PLUGIN_ID } from '../../../../../shared/permissions';

/**
 * Delivery settings, from `config/plugins.ts` → `client-insights.config.automation` (read on every
 * use, so a change through strapi.config applies to the next tick).
 */
export type AutomationSettings = {
  /** The time zone of a customer who has none. */
  defaultTimezone: string;
  /** How often each node looks at the trigger inbox. */
  triggerIntervalMs: number;
  /** A schedule trigger may not fire more often than this (as segment schedules). */
  minScheduleMinutes: number;
  /** External sends wait until `end` when the customer's local time is in [start, end) (may wrap midnight). */
  quietHours: { start: string; end: string };
  /** Sends per customer per channel per calendar day of the customer. */
  dailyCap: Record<DeliveryChannel, number>;
  /** Attempts before a transiently failing step goes to the dead letter. */
  maxAttempts: number;
  logRetentionDays: number;
  workerIntervalMs: number;
  /** Rows claimed per tick. */
  batch: number;
  /** Steps run at once per node (16 measured best: 8 and 24 delivered fewer webhooks, 48 a fifth fewer; bench:automation BENCH_CONCURRENCY). */
  concurrency: number;
  /** A claim is this node's for this long; after it a crashed node's rows are claimed again. */
  leaseMs: number;
  /** Retry backoff: min(cap, base · 2^(attempt−1)), full jitter. */
  retryBaseMs: number;
  retryCapMs: number;
  /** A paused rule's due steps are looked at again after this long. */
  holdRecheckMs: number;
  /** On shutdown, steps in progress get this long to finish (else the lease hands them to another node). */
  shutdownGraceMs: number;
};

export const DEFAULTS: AutomationSettings = {
  defaultTimezone: 'Asia/Shanghai',
  triggerIntervalMs: 1_000,
  minScheduleMinutes: 15,
  quietHours: { start: '21:00', end: '08:00' },
  dailyCap: { email: 2, sms: 1, push: 3 },
  maxAttempts: 8,
  logRetentionDays: 90,
  workerIntervalMs: 2000,
  batch: 200,
  concurrency: 16,
  leaseMs: 5 * 60_000,
  retryBaseMs: 30_000,
  retryCapMs: 6 * 3600_000,
  holdRecheckMs: 5 * 60_000,
  shutdownGraceMs: 30_000,
};

export const automationSettings = (strapi: Core.Strapi): AutomationSettings => {
  const given = (strapi.config.get(`plugin::${PLUGIN_ID}.automation`, {}) as Partial<AutomationSettings>) ?? {};
  return {
    ...DEFAULTS,
    ...given,
    quietHours: { ...DEFAULTS.quietHours, ...(given.quietHours ?? {}) },
    dailyCap: { ...DEFAULTS.dailyCap, ...(given.dailyCap ?? {}) },
  };
};
