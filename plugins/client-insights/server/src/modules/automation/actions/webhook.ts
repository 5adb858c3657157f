import { Webhook } from 'standardwebhooks';
import { circuitSettings, closeCircuit, enterCircuit, recordFailure } from './circuit';
import { deliverHttp } from './http-delivery';
import { rateBudget, takeRateToken } from './rate-limit';
import { DeliveryError, type ActionContext, type ActionHandler } from './types';
import { loadEndpointForDelivery } from './webhook-endpoints';
import { L } from '../../../../../shared/labels';

type WebhookContext = ActionContext<Extract<ActionContext['action'], { type: 'webhook' }>>;

/**
 * The webhook's JSON body: what happened, for which customer (ids and name, no contact data), in
 * which rule. `occurredAt` is when the step ran; the same idempotency key is sent as webhook-id.
 */
export const webhookBody = (ctx: WebhookContext) => ({
  type: ctx.trigger.event ?? 'automation.action',
  rule: { documentId: ctx.rule.doc, version: ctx.rule.version, name: ctx.rule.name },
  customer: { id: ctx.customer.id, documentId: ctx.customer.documentId, name: ctx.customer.name },
  trigger: { key: ctx.trigger.key, event: ctx.trigger.event, data: ctx.trigger.data },
  occurredAt: ctx.now.toISOString(),
});

/** The Standard Webhooks headers: webhook-id (stable across retries: the idempotency key), timestamp (seconds), signature. */
export const signedHeaders = (secret: string, id: string, at: Date, payload: string): Record<string, string> => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': new Webhook(secret).sign(id, at, payload),
});

/**
 * Posts the body to the endpoint, signed with its secret. The endpoint's circuit breaker and the
 * `webhook` rate limit run first; a transient failure counts towards opening the circuit, any
 * answer (2xx, or a permanent 4xx: the endpoint is up) closes it.
 */
export const webhookAction: ActionHandler<'webhook'> = {
  type: 'webhook',
  channel: null,
  external: true,
  async render(ctx) {
    const endpoint = await loadEndpointForDelivery(ctx.knex, ctx.action.endpointId);
    return {
      summary: endpoint
        ? L(`Webhook to ${endpoint.name}`, `Webhook 发送至 ${endpoint.name}`, `Webhook 傳送至 ${endpoint.name}`)
        : L(
            `Webhook to endpoint ${ctx.action.endpointId} (missing)`,
            `Webhook 端点 ${ctx.action.endpointId} 不存在`,
            `Webhook 端點 ${ctx.action.endpointId} 不存在`
          ),
      to: endpoint?.url ?? null,
      payload: webhookBody(ctx),
    };
  },
  async perform(ctx) {
    const endpoint = await loadEndpointForDelivery(ctx.knex, ctx.action.endpointId);
    if (!endpoint) throw new DeliveryError(`webhook endpoint ${ctx.action.endpointId} does not exist`, false);
    // A disabled endpoint holds its deliveries (retried later) rather than dropping them.
    if (!endpoint.enabled) throw new DeliveryError(`webhook endpoint "${endpoint.name}" is disabled`, true);
    if (ctx.test) return { status: 'done', detail: 'test: rendered, not delivered' };
    const settings = circuitSettings(ctx.strapi);
    await enterCircuit(ctx.knex, endpoint.id, endpoint.openUntil, settings, ctx.now);
    await takeRateToken(ctx.knex, 'webhook', rateBudget(ctx.strapi, 'webhook'), ctx.now);
    const payload = JSON.stringify(webhookBody(ctx));
    // Signed at send time: a retry carries the same webhook-id with a fresh timestamp.
    const headers = signedHeaders(endpoint.secret, ctx.idemKey, new Date(), payload);
    try {
      const { status } = await deliverHttp({ url: endpoint.url, method: 'POST', headers, body: payload }, ctx.now);
      if (endpoint.failures > 0 || endpoint.openUntil !== null) await closeCircuit(ctx.knex, endpoint.id);
      return { status: 'sent', detail: `answered ${status}`, externalId: ctx.idemKey };
    } catch (error) {
      if (error instanceof DeliveryError && error.transient) await recordFailure(ctx.knex, endpoint.id, settings, ctx.now);
      else if (endpoint.failures > 0 || endpoint.openUntil !== null) await closeCircuit(ctx.knex, endpoint.id);
      throw error;
    }
  },
};
