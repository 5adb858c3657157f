import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../../shared/permissions';
import { deliverHttp } from './http-delivery';
import { rateBudget, takeRateToken } from './rate-limit';
import { DeliveryError, type ActionContext, type ActionOutcome } from './types';

/**
 * A generic HTTP gateway for SMS and push: each market has its own provider, so instead of one
 * adapter per provider the deployment describes its gateway's request
 * (`plugin::client-insights.automation.gateways.<channel>`, or CI_SMS_GATEWAY_* / CI_PUSH_GATEWAY_*
 * through config/plugins.ts): URL, method, an Authorization header, extra headers and a body
 * template with {{to}}, {{text}}, {{title}} and {{idempotency_key}}. The idempotency key is also
 * sent as the `Idempotency-Key` header so the gateway can deduplicate a retry.
 */
export type GatewayChannel = 'sms' | 'push';

export type GatewayConfig = {
  url: string;
  method: 'POST' | 'PUT';
  /** Sent as the Authorization header, e.g. `Bearer …` or `Basic …`. */
  authorization: string | null;
  headers: Record<string, string>;
  /** The body with placeholders; values are escaped for `contentType` (JSON string content, or form-encoded). */
  bodyTemplate: string;
  contentType: string;
};

export type GatewayMessage = { to: string; text: string; title: string };

const DEFAULT_BODY = '{"to":"{{to}}","title":"{{title}}","text":"{{text}}","idempotencyKey":"{{idempotency_key}}"}';

/** The channel's gateway, or null when none is configured (no URL). */
export const gatewayConfig = (strapi: Core.Strapi, channel: GatewayChannel): GatewayConfig | null => {
  const given = (strapi.config.get(`plugin::${PLUGIN_ID}.automation.gateways.${channel}`, null) ?? null) as Partial<GatewayConfig> | null;
  if (!given || typeof given.url !== 'string' || !given.url) return null;
  return {
    url: given.url,
    method: given.method === 'PUT' ? 'PUT' : 'POST',
    authorization: given.authorization || null,
    headers: given.headers && typeof given.headers === 'object' ? given.headers : {},
    bodyTemplate: given.bodyTemplate || DEFAULT_BODY,
    contentType: given.contentType || 'application/json',
  };
};

/** Escapes a value for where the template puts it: inside a JSON string, or a form field. */
const escapeFor = (contentType: string, value: string) =>
  contentType.includes('json') ? JSON.stringify(value).slice(1, -1) : contentType.includes('x-www-form-urlencoded') ? encodeURIComponent(value) : value;

export const gatewayBody = (config: GatewayConfig, message: GatewayMessage, idemKey: string): string => {
  const values: Record<string, string> = { to: message.to, text: message.text, title: message.title, idempotency_key: idemKey };
  return config.bodyTemplate.replace(/\{\{\s*(to|text|title|idempotency_key)\s*\}\}/g, (_, key: string) => escapeFor(config.contentType, values[key]));
};

/** Sends one message through the channel's gateway (rate limited per channel); throws DeliveryError classified for retry. */
export const sendThroughGateway = async (ctx: ActionContext, channel: GatewayChannel, message: GatewayMessage): Promise<ActionOutcome> => {
  const config = gatewayConfig(ctx.strapi, channel);
  if (!config) throw new DeliveryError(`${channel} gateway is not configured`, false);
  await takeRateToken(ctx.knex, channel, rateBudget(ctx.strapi, channel), ctx.now);
  const headers: Record<string, string> = { ...config.headers, 'content-type': config.contentType, 'idempotency-key': ctx.idemKey };
  if (config.authorization) headers.authorization = config.authorization;
  const { status } = await deliverHttp({ url: config.url, method: config.method, headers, body: gatewayBody(config, message, ctx.idemKey) }, ctx.now);
  return { status: 'sent', detail: `${channel} gateway answered ${status}`, externalId: ctx.idemKey };
};
