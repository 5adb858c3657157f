import type { Core } from '@strapi/strapi';
import type { Action } from '../../../../../shared/contracts/automation-definition';
import { messageIdFor, signToken } from './email-signing';
import { escapeHtml, fill, inLocale, templateValues, type TemplateValues } from './templates';
import type { ActionContext } from './types';

/**
 * One automation email as it is sent: subject, text and HTML in the customer's language, with
 * tracked links (attachments and the links written in the body), the tracking pixel, the
 * unsubscribe link and the headers that carry them (Message-ID, List-Unsubscribe).
 */

type EmailAction = Extract<Action, { type: 'email' }>;

export type EmailMessage = {
  to: string | null;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  unsubscribeUrl: string;
};

const WORDS = {
  en: { materials: 'Materials', unsubscribe: 'Unsubscribe' },
  'zh-Hans': { materials: '资料', unsubscribe: '退订' },
  zh: { materials: '資料', unsubscribe: '取消訂閱' },
} as const;

/** The address the app is reached at from a mail client (CI_PUBLIC_URL, else Strapi's absolute URL). */
export const publicUrl = (strapi: Core.Strapi): string =>
  String(strapi.config.get('plugin::client-insights.email.publicUrl', '') || strapi.config.get('server.absoluteUrl', '') || 'http://localhost:1337').replace(
    /\/+$/,
    ''
  );

/** The sender's domain, for Message-IDs (the configured From address's, else a fixed one). */
export const senderDomain = (strapi: Core.Strapi): string => {
  const from = String(strapi.config.get('plugin::email.settings.defaultFrom', '') ?? '');
  return /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'client-insights.invalid';
};

const URL_IN_TEXT = /https?:\/\/[^\s<>"'{}]+/g;

/** The template as HTML: values escaped, the links written in it tracked, line breaks kept. */
const htmlOf = (template: string, values: TemplateValues, tracked: (url: string) => string) => {
  let html = '';
  let last = 0;
  for (const match of template.matchAll(URL_IN_TEXT)) {
    html += fill(escapeHtml(template.slice(last, match.index)), values, escapeHtml);
    const url = fill(match[0], values);
    html += `<a href="${escapeHtml(tracked(url))}">${escapeHtml(url)}</a>`;
    last = match.index! + match[0].length;
  }
  html += fill(escapeHtml(template.slice(last)), values, escapeHtml);
  return html.replace(/\r?\n/g, '<br>\n');
};

const ownerNameOf = async (strapi: Core.Strapi, ownerId: number | null) => {
  if (ownerId === null) return null;
  const user: any = await strapi.db.query('admin::user').findOne({ where: { id: ownerId }, select: ['firstname', 'lastname', 'username'] });
  return user ? [user.firstname, user.lastname].filter(Boolean).join(' ') || user.username || null : null;
};

export const composeEmail = async (ctx: ActionContext<EmailAction>): Promise<EmailMessage> => {
  const { strapi, knex, action, customer } = ctx;
  const base = `${publicUrl(strapi)}/api/email`;
  const messageId = messageIdFor(ctx.idemKey, customer.id, senderDomain(strapi));
  // A test (rendered, or sent to a staff member) carries no live token: opening it, clicking in it
  // or unsubscribing from it must not be recorded against the customer (the test link answers 400).
  const unsubscribeUrl = ctx.test
    ? `${base}/unsubscribe/test`
    : `${base}/unsubscribe/${signToken({ k: 'unsubscribe', c: customer.id, ch: 'email', l: customer.locale })}`;
  const tracked = (url: string) => (ctx.test ? url : `${base}/click/${signToken({ k: 'click', c: customer.id, m: messageId, u: url })}`);
  const body = inLocale(action.body, customer.locale);
  const subject = inLocale(action.subject, customer.locale);
  const values = await templateValues(knex, customer, [subject, body], () => ownerNameOf(strapi, customer.ownerId), ctx.trigger.data, unsubscribeUrl);
  const words = WORDS[customer.locale];
  const attachments = action.attachments ?? [];

  const text = [
    fill(body, values),
    attachments.length ? `${words.materials}:\n${attachments.map((a) => `- ${a.name}: ${tracked(a.url)}`).join('\n')}` : '',
    `${words.unsubscribe}: ${unsubscribeUrl}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const pixel = `${base}/open/${signToken({ k: 'open', c: customer.id, m: messageId })}`;
  const html = [
    `<div>${htmlOf(body, values, tracked)}</div>`,
    attachments.length
      ? `<p>${escapeHtml(words.materials)}:</p><ul>${attachments.map((a) => `<li><a href="${escapeHtml(tracked(a.url))}">${escapeHtml(a.name)}</a></li>`).join('')}</ul>`
      : '',
    `<p style="font-size:12px;color:#666"><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(words.unsubscribe)}</a></p>`,
    ctx.test ? '' : `<img src="${escapeHtml(pixel)}" width="1" height="1" alt="" style="display:block;border:0">`,
  ]
    .filter(Boolean)
    .join('\n');
  const to = ctx.testRecipient ? ctx.testRecipient.email : customer.email;
  return { to, subject: fill(subject, values).replace(/[\r\n]+/g, ' '), text, html, messageId, unsubscribeUrl };
};

/** `a***@example.com`: enough to recognise an address in a test view or a log, not to use it. */
export const maskAddress = (address: string | null) => (address ? address.replace(/^(.)[^@]*@/, '$1***@') : '(no address)');
