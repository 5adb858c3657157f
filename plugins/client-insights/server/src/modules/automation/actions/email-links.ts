import type { Core } from '@strapi/strapi';
import { emailLinksApi, type ProviderEvent } from '../../../../../shared/contracts/email-links';
import { recordSystemJob } from '../../../core/audit/system';
import { UID } from '../../../core/constants';
import { atApiRoot, route, type Route } from '../../../core/http/routes';
import { ApiError } from '../../../core/http/errors';
import { respond } from '../../../core/http/respond';
import { customerOfMessageId, isWebhookSecret, verifyToken, type LinkClaims } from './email-signing';
import { recordEmailInteraction } from './tracking';
import { escapeHtml } from './templates';
import { confirmationPage, unsubscribedPage, withdrawEmailConsent } from './unsubscribe';

/**
 * The public routes of automation email, under /api/email: the unsubscribe link (a page, then a
 * POST or RFC 8058 one-click), the tracking pixel, tracked links, and the provider webhook. The
 * first four need no credentials: the signed token is the permission, and a token that does not
 * verify is refused (400 naming /token) with nothing changed. The webhook needs the shared secret
 * of CI_EMAIL_WEBHOOK_SECRET in the `x-webhook-secret` header.
 */

const PUBLIC = { ...atApiRoot, auth: false };

export const emailLinkRoutes: Route[] = [
  route(emailLinksApi.unsubscribePage, 'emailLinks.unsubscribePage', PUBLIC),
  route(emailLinksApi.unsubscribe, 'emailLinks.unsubscribe', PUBLIC),
  route(emailLinksApi.open, 'emailLinks.open', PUBLIC),
  route(emailLinksApi.click, 'emailLinks.click', PUBLIC),
  route(emailLinksApi.providerEvent, 'emailLinks.providerEvent', PUBLIC),
];

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const claimsOf = <K extends LinkClaims['k']>(token: string, kind: K) => {
  const claims = verifyToken(token, kind);
  if (!claims) throw ApiError.invalid([{ path: '/token', message: 'not a valid link: it was changed or comes from elsewhere' }]);
  return claims;
};

const html = (ctx: any, page: string) => {
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('cache-control', 'no-store');
  return page;
};

/** The person still gets the pixel or their page when recording fails (logged): tracking is not worth an error to them. */
const recorded = (strapi: Core.Strapi, write: Promise<unknown>) =>
  write.catch((error) => strapi.log.error(`[client-insights] email: an open or click was not recorded: ${(error as Error).message}`));

const from = (ctx: any) => ({ ip: ctx.request?.ip ?? null, userAgent: ctx.get('user-agent') || null });

/** A permanent bounce: named so by the provider, or else a 5xx SMTP reply (RFC 5321) or 5.x.x status (RFC 3463). */
export const isHardBounce = (event: ProviderEvent) =>
  event.event === 'bounce' && (event.bounceType ? event.bounceType === 'hard' : /^\s*(5\d\d|5\.\d{1,3}\.\d{1,3})\b/.test(event.reason ?? ''));

/**
 * What a provider's event does: every one is audited on the customer. A hard bounce withdraws email
 * consent (source `bounce`: mail to a dead address hurts the sender's reputation, and the profile
 * shows why); a soft one does not. A complaint also counts as one and withdraws email consent.
 */
const applyProviderEvent = async (strapi: Core.Strapi, customerId: number, event: ProviderEvent, ctx: any) => {
  const messageId = event.messageId.replace(/^<|>$/g, '');
  const now = event.occurredAt ? new Date(event.occurredAt) : new Date();
  await recordSystemJob(
    strapi.db.connection,
    {
      action: `email.${event.event}`,
      targetType: 'customers',
      targetId: String(customerId),
      details: { messageId, reason: event.reason ?? null, ...(event.event === 'bounce' ? { hard: isHardBounce(event) } : {}) },
    },
    strapi.log
  );
  if (isHardBounce(event)) await withdrawEmailConsent(strapi, customerId, 'bounce', { type: 'system' }, from(ctx));
  if (event.event !== 'complaint') return;
  await recordEmailInteraction(strapi, customerId, 'complaint', { messageId: `<${messageId}>`, source: 'provider' }, { now, dedupe: true });
  await withdrawEmailConsent(strapi, customerId, 'complaint', { type: 'system' }, from(ctx));
};

export const emailLinksController = ({ strapi }: { strapi: Core.Strapi }) => ({
  unsubscribePage: (ctx) =>
    respond(ctx, emailLinksApi.unsubscribePage, ({ params }) => html(ctx, confirmationPage(claimsOf(params.token, 'unsubscribe').l, ctx.path))),

  unsubscribe: (ctx) =>
    respond(ctx, emailLinksApi.unsubscribe, async ({ params }) => {
      const claims = claimsOf(params.token, 'unsubscribe');
      // A customer erased since the email was sent: nothing left to withdraw.
      const exists = await strapi.db.query(UID.customer as any).findOne({ where: { id: claims.c }, select: ['id'] });
      if (exists) await withdrawEmailConsent(strapi, claims.c, 'unsubscribe', { type: 'api', id: null }, from(ctx));
      return html(ctx, unsubscribedPage(claims.l));
    }),

  open: (ctx) =>
    respond(ctx, emailLinksApi.open, async ({ params }) => {
      const claims = claimsOf(params.token, 'open');
      await recorded(strapi, recordEmailInteraction(strapi, claims.c, 'email_open', { messageId: claims.m }, { dedupe: true }));
      ctx.type = 'image/gif';
      ctx.set('cache-control', 'no-store, private');
      return PIXEL;
    }),

  click: (ctx) =>
    respond(
      ctx,
      emailLinksApi.click,
      async ({ params }) => {
        const claims = claimsOf(params.token, 'click');
        // Only where the token says, and only to the web: no open redirect, no javascript: links.
        if (!/^https?:\/\//i.test(claims.u)) throw ApiError.invalid([{ path: '/token', message: 'the link is not a web address' }]);
        await recorded(strapi, recordEmailInteraction(strapi, claims.c, 'email_click', { messageId: claims.m, url: claims.u }, { dedupe: true }));
        ctx.set('location', claims.u);
        return html(ctx, `<a href="${escapeHtml(claims.u)}">${escapeHtml(claims.u)}</a>`);
      },
      302
    ),

  providerEvent: (ctx) =>
    respond(ctx, emailLinksApi.providerEvent, async ({ body }) => {
      if (!isWebhookSecret(ctx.get('x-webhook-secret') || undefined)) throw new ApiError(401, 'a valid x-webhook-secret header is required');
      const customerId = customerOfMessageId(body.messageId);
      if (customerId === null) throw ApiError.notFound('no email of ours has this Message-ID');
      const exists = await strapi.db.query(UID.customer as any).findOne({ where: { id: customerId }, select: ['id'] });
      if (!exists) throw ApiError.notFound('the customer of this Message-ID no longer exists');
      await applyProviderEvent(strapi, customerId, body, ctx);
      return { data: { recorded: true, customerId } };
    }),
});
