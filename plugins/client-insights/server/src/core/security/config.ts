import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';

/**
 * Limits that protect the server from its callers, from `config/plugins.ts` →
 * `client-insights.config.security` (read on every use).
 */
export type SecurityConfig = {
  /** Segment schedules may not run more often than this (minutes). */
  minScheduleMinutes: number;
  /** A rule preview taking longer is cancelled on the database and answered 503. */
  previewTimeoutMs: number;
  /** Previews one caller (admin user, or API token) may run at once; more are answered 429. */
  previewsPerCaller: number;
};

export const SECURITY_DEFAULTS: SecurityConfig = { minScheduleMinutes: 15, previewTimeoutMs: 10_000, previewsPerCaller: 2 };

export const securityConfig = (strapi: Core.Strapi): SecurityConfig => ({
  ...SECURITY_DEFAULTS,
  ...((strapi.config.get(`plugin::${PLUGIN_ID}.security`, {}) as Partial<SecurityConfig>) ?? {}),
});
