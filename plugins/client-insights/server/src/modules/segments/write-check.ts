import type { Core } from '@strapi/strapi';
import { securityConfig } from '../../core/security/config';
import type { WriteCheck } from '../../core/security/validation';
import { storedRuleProblems } from '../rules/validate';
import { resolveSchedule } from './schedule';

/**
 * What every write of a segment must satisfy, whichever path it takes (core/security/validation.ts):
 * a valid rule and a valid schedule no more frequent than the configured minimum. Activating a
 * segment checks what is stored (it may predate these checks, or have been written around them).
 */
export const segmentWriteCheck =
  (strapi: Core.Strapi): WriteCheck =>
  async (data, stored) => {
    const activating = data.segment_status === 'active';
    const before = activating && (!('rule' in data) || !('schedule_cron' in data)) ? await stored() : null;
    const rule = 'rule' in data ? data.rule : before?.rule;
    const cron = ('schedule_cron' in data ? data.schedule_cron : before?.schedule_cron) as unknown;
    const timezone = (data.schedule_timezone ?? before?.schedule_timezone ?? 'UTC') as string;
    const found = storedRuleProblems(rule);
    if (cron !== null && cron !== undefined && cron !== '') {
      const resolved = typeof cron === 'string' ? resolveSchedule(cron, timezone, securityConfig(strapi).minScheduleMinutes) : { error: 'a cron expression' };
      if ('error' in resolved) found.push({ path: /time zone/.test(resolved.error) ? '/schedule_timezone' : '/schedule_cron', message: resolved.error });
    }
    return found;
  };
