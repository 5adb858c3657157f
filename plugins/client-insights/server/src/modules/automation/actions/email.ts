import type { Core } from '@strapi/strapi';
import { redactContacts } from '../../../core/security/field-crypto';
import { composeEmail, maskAddress } from './email-message';
import { recordEmailSent } from './tracking';
import { DeliveryError, type ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

/**
 * The email action: renders the message (email-message.ts) and sends it through Strapi's email
 * plugin with @strapi/provider-email-nodemailer (config/plugins.ts, from the SMTP_* variables).
 * The Message-ID comes from the step's idempotency key, so a retry carries the same one and a
 * receiver can discard the copy. A send that reached the server is recorded as `email_sent`.
 */

/** Whether SMTP is configured: without it the email plugin keeps its default (sendmail), which we refuse to pretend with. */
const smtpConfigured = (strapi: Core.Strapi) => String(strapi.config.get('plugin::email.provider', '')).toLowerCase() === 'nodemailer';

/** Network-level failures: the server may be back later. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EAUTH', 'ETLS', 'EPROXY']);

/**
 * A nodemailer failure as a DeliveryError: an SMTP reply 5xx (rejected recipient, refused message)
 * or an address nodemailer cannot use is permanent; 4xx (greylisting, mailbox busy), connection
 * errors and timeouts are transient. The message keeps no address (contact data is hashed).
 */
export const classifySmtpError = (error: unknown): DeliveryError => {
  const e = error as { responseCode?: number; code?: string; message?: string; response?: string };
  const words = redactContacts(String(e.response ?? e.message ?? 'failed')).slice(0, 300);
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${e.responseCode}: ${words}`, e.responseCode < 500);
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new DeliveryError(`invalid message or address: ${words}`, false);
  return new DeliveryError(`SMTP ${e.code ?? 'error'}: ${words}`, e.code === undefined || TRANSIENT_CODES.has(e.code));
};

export const emailAction: ActionHandler<'email'> = {
  type: 'email',
  channel: 'email',
  external: true,

  async render(ctx) {
    const message = await composeEmail(ctx);
    return {
      summary: L(
        `Email to ${maskAddress(message.to)}: ${message.subject}`,
        `发送邮件至 ${maskAddress(message.to)}：${message.subject}`,
        `寄送郵件至 ${maskAddress(message.to)}：${message.subject}`
      ),
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    };
  },

  async perform(ctx) {
    // Test mode delivers nothing, except "send a test to me".
    if (ctx.test && !ctx.testRecipient) return { status: 'done', detail: 'test mode: rendered, not sent' };
    const message = await composeEmail(ctx);
    if (!message.to) return { status: 'skipped', reason: 'no_address' };
    if (!smtpConfigured(ctx.strapi)) throw new DeliveryError('email is not configured', false);
    try {
      await ctx.strapi
        .plugin('email')
        .service('email')
        .send({
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
          headers: {
            // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
            'List-Unsubscribe': `<${message.unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
    } catch (error) {
      throw classifySmtpError(error);
    }
    if (!ctx.test) {
      // The mail is gone: a failure to record it must not make the engine send it again.
      await recordEmailSent(ctx.strapi, ctx.customer.id, {
        messageId: message.messageId,
        rule: ctx.rule.doc,
        version: ctx.rule.version,
        ...(ctx.action.campaignId ? { campaignId: ctx.action.campaignId } : {}),
      }).catch((error) => ctx.strapi.log.error(`[client-insights] email: sent, but email_sent was not recorded: ${(error as Error).message}`));
    }
    return { status: 'sent', externalId: message.messageId };
  },
};
