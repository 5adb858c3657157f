import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { securityConfig } from '../../core/security/config';
import { resolveSchedule } from '../segments/schedule';

/**
 * Auto-tag settings, from `config/plugins.ts` → `client-insights.config.tags`.
 * `ruleSchedule`: when every tag rule is re-run over all customers — a preset (`daily`, `weekly`,
 * `monthly`, at 03:00) or a cron expression, checked like a segment schedule (valid cron, known
 * time zone, no more often than `security.minScheduleMinutes`); `false` turns it off.
 */
export type TagsConfig = { ruleSchedule: string | false; ruleTimezone: string };

export const TAGS_DEFAULTS: TagsConfig = { ruleSchedule: 'daily', ruleTimezone: 'UTC' };

export const tagsConfig = (strapi: Core.Strapi): TagsConfig => ({
  ...TAGS_DEFAULTS,
  ...((strapi.config.get(`plugin::${PLUGIN_ID}.tags`, {}) as Partial<TagsConfig>) ?? {}),
});

/** The schedule's cron and zone, null when turned off; throws (the app does not start) for a schedule a segment could not have. */
export const ruleScheduleOf = (strapi: Core.Strapi): { cron: string; timezone: string } | null => {
  const { ruleSchedule, ruleTimezone } = tagsConfig(strapi);
  if (ruleSchedule === false) return null;
  const resolved = resolveSchedule(String(ruleSchedule), ruleTimezone, securityConfig(strapi).minScheduleMinutes);
  if ('error' in resolved) throw new Error(`client-insights config tags.ruleSchedule: ${resolved.error}`);
  return { cron: resolved.cron, timezone: ruleTimezone };
};
