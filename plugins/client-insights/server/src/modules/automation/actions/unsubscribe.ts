import type { Core } from '@strapi/strapi';
import { recordAudit, type AuditActor } from '../../../core/audit/log';
import { getService } from '../../../get-service';
import { escapeHtml } from './templates';

/**
 * Unsubscribing, complaints and hard bounces: email consent withdrawn through the customers module's consent
 * writer (ci_customer_consent, the same one the profile uses), audited with before and after.
 * Automation asks that consent before every email, so nothing more is sent.
 */

type Locale = 'en' | 'zh-Hans' | 'zh';

/** Withdraws customer `customerId`'s email consent with `source`; audited as `consent.change`. */
export const withdrawEmailConsent = async (
  strapi: Core.Strapi,
  customerId: number,
  source: 'unsubscribe' | 'complaint' | 'bounce',
  actor: AuditActor,
  from: { ip?: string | null; userAgent?: string | null } = {}
) => {
  const { before, after } = await getService(strapi, 'customers').setConsent(customerId, 'email', { granted: false, source, by: null });
  await recordAudit(strapi.db.connection, {
    actor,
    action: 'consent.change',
    targetType: 'customers',
    targetId: String(customerId),
    ip: from.ip ?? null,
    userAgent: from.userAgent ?? null,
    details: { channel: 'email', before: before.find((c) => c.channel === 'email'), after: after.find((c) => c.channel === 'email') },
  });
};

const PAGES = {
  en: {
    title: 'Unsubscribe',
    ask: 'Stop receiving these emails?',
    button: 'Unsubscribe',
    done: 'You are unsubscribed: you will receive no more of these emails.',
  },
  'zh-Hans': { title: '退订', ask: '不再接收这些邮件？', button: '退订', done: '已退订：您将不再收到这些邮件。' },
  zh: { title: '取消訂閱', ask: '不再接收這些郵件？', button: '取消訂閱', done: '已取消訂閱：您將不再收到這些郵件。' },
} as const;

const page = (locale: Locale, title: string, body: string) =>
  `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

/** The confirmation page: a form that POSTs to the same link (a GET changes nothing: mail scanners follow links). */
export const confirmationPage = (locale: Locale, action: string) => {
  const words = PAGES[locale];
  return page(
    locale,
    words.title,
    `<p>${escapeHtml(words.ask)}</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(words.button)}</button></form>`
  );
};

export const unsubscribedPage = (locale: Locale) => page(locale, PAGES[locale].title, `<p>${escapeHtml(PAGES[locale].done)}</p>`);
