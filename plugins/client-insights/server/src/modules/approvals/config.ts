import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';

/** Hours a request waits for a decision by default (`config/plugins.ts` → `client-insights.config.approvals.expiresHours`). */
export const APPROVAL_EXPIRES_HOURS = 72;

export const approvalExpiresHours = (strapi: Core.Strapi): number => {
  const hours = Number(strapi.config.get(`plugin::${PLUGIN_ID}.approvals.expiresHours`, APPROVAL_EXPIRES_HOURS));
  return Number.isFinite(hours) && hours > 0 ? hours : APPROVAL_EXPIRES_HOURS;
};
