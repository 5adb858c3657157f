import { Webhook } from 'standardwebhooks';
import { DeliveryError } from '../../plugins/client-insights/server/src/modules/automation/actions/types';
import { pushAction } from '../../plugins/client-insights/server/src/modules/automation/actions/push';
import { smsAction } from '../../plugins/client-insights/server/src/modules/automation/actions/sms';
import { webhookAction } from '../../plugins/client-insights/server/src/modules/automation/actions/webhook';
import { adminSession, pluginCall, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { contextFor, createCustomer } from './context';
import { startReceiver } from './receiver';

/**
 * Webhook endpoints (routes, secrets encrypted, shown once) and the webhook action against a real
 * HTTP receiver: Standard Webhooks signatures checked with the endpoint's secret, one webhook-id
 * across retries, the failure classes, the circuit breaker and the per-channel rate limit; SMS
 * and push through the generic HTTP gateway.
 */
describe('webhook endpoints, the webhook action, SMS and push gateways', () => {
  let app: TestApp;
  let admin: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let customer: Awaited<ReturnType<typeof createCustomer>>;

  const call = (token: string, method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  const newEndpoint = async (name: string) => {
    const created = await call(admin, 'POST', '/automation/webhook-endpoints', { name, url: `${receiver.url}/hooks/${name}` });
    expect(created.status).toBe(201);
    return created.body.data as { id: number; secret: string };
  };
  const perform = (endpointId: number, over: Parameters<typeof contextFor>[3] = {}) =>
    webhookAction.perform(contextFor(app.strapi, customer, { type: 'webhook', endpointId }, over));
  const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(DeliveryError);
      return error as DeliveryError;
    }
    throw new Error('expected a DeliveryError');
  };
  const setConfig = (key: string, value: unknown) => app.strapi.config.set(`plugin::client-insights.automation.${key}`, value);

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    receiver = await startReceiver();
    customer = await createCustomer(app.strapi, { name: 'Zhu "Xiao" Ming', email: 'zhu@example.com', phone: '13800001234' });
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
  });
  beforeEach(() => receiver.reset());

  it('lists nothing on an empty database, refuses bad URLs by pointer and callers without automation.manage', async () => {
    expect(await call(admin, 'GET', '/automation/webhook-endpoints')).toEqual({ status: 200, body: { data: [] } });
    for (const url of ['ftp://example.com/x', 'http://user:pass@example.com/x', 'not a url', '']) {
      const res = await call(admin, 'POST', '/automation/webhook-endpoints', { name: 'Bad', url });
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors.map((e: any) => e.path)).toContain('/url');
    }
    expect((await call(admin, 'POST', '/automation/webhook-endpoints', { name: ' ', url: 'https://example.com' })).body.error.details.errors[0].path).toBe(
      '/name'
    );
    const reader = await restrictedSession(app, ['segments.read']);
    expect((await call(reader, 'GET', '/automation/webhook-endpoints')).status).toBe(403);
    expect((await call(reader, 'POST', '/automation/webhook-endpoints', { name: 'X', url: 'https://example.com' })).status).toBe(403);
    expect(Number((await app.strapi.db.connection('ci_automation_endpoints').count({ n: '*' }).first())?.n)).toBe(0);
    const manager = await restrictedSession(app, ['automation.manage']);
    expect((await call(manager, 'GET', '/automation/webhook-endpoints')).status).toBe(200);
  });

  it('refuses to remove an endpoint a rule posts to (409 naming the rule, nothing removed); removes it once no rule does', async () => {
    const endpoint = await newEndpoint('in-use');
    const rule = await call(admin, 'POST', '/automation/rules', {
      name: 'Posts to in-use',
      trigger: { type: 'manual' },
      steps: [
        { kind: 'if', rule: { '==': [{ var: 'customer.stage' }, 'signed'] }, then: [{ kind: 'action', action: { type: 'webhook', endpointId: endpoint.id } }] },
      ],
    });
    expect(rule.status).toBe(201);
    const refused = await call(admin, 'DELETE', `/automation/webhook-endpoints/${endpoint.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('"Posts to in-use"');
    expect((await call(admin, 'GET', '/automation/webhook-endpoints')).body.data.map((e: any) => e.id)).toContain(endpoint.id);
    expect((await call(admin, 'DELETE', `/automation/rules/${rule.body.data.documentId}`)).status).toBe(200);
    expect((await call(admin, 'DELETE', `/automation/webhook-endpoints/${endpoint.id}`)).status).toBe(200);
  });

  it('shows the secret once, stores it encrypted, and signs deliveries with it (Standard Webhooks)', async () => {
    const endpoint = await newEndpoint('crm');
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = await call(admin, 'GET', '/automation/webhook-endpoints');
    expect(listed.body.data).toEqual([expect.objectContaining({ id: endpoint.id, name: 'crm', enabled: true, circuit: 'closed' })]);
    expect(JSON.stringify(listed.body)).not.toContain(endpoint.secret);
    const stored = await app.strapi.db.connection('ci_automation_endpoints').where({ id: endpoint.id }).first('secret');
    expect(stored.secret).toMatch(/^enc:v1:/);
    expect(stored.secret).not.toContain(endpoint.secret.slice(6, 20));
    // The audit log records the creation, never the secret it answered.
    const audit = await app.strapi.db.connection('ci_audit_log').select();
    expect(JSON.stringify(audit)).toContain('webhook-endpoints');
    expect(JSON.stringify(audit)).not.toContain(endpoint.secret.slice(6));

    const ctx = contextFor(app.strapi, customer, { type: 'webhook', endpointId: endpoint.id });
    await expect(webhookAction.perform(ctx)).resolves.toMatchObject({ status: 'sent' });
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got.headers['webhook-id']).toBe(ctx.idemKey);
    const verified = new Webhook(endpoint.secret).verify(got.body, got.headers as Record<string, string>) as any;
    expect(verified).toEqual({
      type: 'interaction.email_open',
      rule: { documentId: 'rule-doc-1', version: 1, name: 'Renewal care' },
      customer: { id: customer.id, documentId: customer.documentId, name: 'Zhu "Xiao" Ming' },
      trigger: { key: ctx.trigger.key, event: 'interaction.email_open', data: { amount: 1200, campaign: 'Spring' } },
      occurredAt: ctx.now.toISOString(),
    });
    // No contact data leaves in the body.
    expect(got.body).not.toContain('zhu@example.com');
    expect(got.body).not.toContain('13800001234');
    // A wrong secret does not verify.
    expect(() => new Webhook(`whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`).verify(got.body, got.headers as Record<string, string>)).toThrow();

    // Rotation: a new secret, answered once; the old one no longer verifies.
    const rotated = await call(admin, 'POST', `/automation/webhook-endpoints/${endpoint.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).toMatch(/^whsec_/);
    expect(rotated.body.data.secret).not.toBe(endpoint.secret);
    await perform(endpoint.id);
    const next = receiver.received[1];
    expect(() => new Webhook(endpoint.secret).verify(next.body, next.headers as Record<string, string>)).toThrow();
    expect(new Webhook(rotated.body.data.secret).verify(next.body, next.headers as Record<string, string>)).toBeTruthy();
  });

  it('classifies failures: 500 transient, 429 with Retry-After, 400 permanent; a retry carries the same webhook-id', async () => {
    const endpoint = await newEndpoint('classify');
    const ctx = contextFor(app.strapi, customer, { type: 'webhook', endpointId: endpoint.id });
    receiver.answer({ status: 500 });
    const e500 = await failure(webhookAction.perform(ctx));
    expect(e500.transient).toBe(true);
    expect(e500.retryAfterMs).toBeUndefined();

    receiver.answer({ status: 429, headers: { 'retry-after': '7' } });
    const e429 = await failure(webhookAction.perform(ctx));
    expect(e429).toMatchObject({ transient: true, retryAfterMs: 7000 });

    receiver.answer({ status: 408 });
    expect((await failure(webhookAction.perform(ctx))).transient).toBe(true);

    await expect(webhookAction.perform(ctx)).resolves.toMatchObject({ status: 'sent' });
    // Four attempts of one delivery: one webhook-id, each signed validly.
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([ctx.idemKey, ctx.idemKey, ctx.idemKey, ctx.idemKey]);
    for (const r of receiver.received) expect(new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>)).toBeTruthy();

    receiver.answer({ status: 400 });
    const e400 = await failure(perform(endpoint.id));
    expect(e400.transient).toBe(false);
    receiver.answer({ status: 410 });
    expect((await failure(perform(endpoint.id))).transient).toBe(false);

    // Nobody listening: a transient network failure.
    const unreachable = await call(admin, 'POST', '/automation/webhook-endpoints', { name: 'gone', url: 'http://127.0.0.1:1/x' });
    expect((await failure(perform(unreachable.body.data.id))).transient).toBe(true);

    // A deleted endpoint: permanent.
    expect((await call(admin, 'DELETE', `/automation/webhook-endpoints/${unreachable.body.data.id}`)).status).toBe(200);
    expect((await failure(perform(unreachable.body.data.id))).transient).toBe(false);
    expect((await call(admin, 'PUT', `/automation/webhook-endpoints/${unreachable.body.data.id}`, { enabled: false })).status).toBe(404);
  });

  it('opens the circuit after N transient failures, holds deliveries for the cool-down, then lets one trial through', async () => {
    setConfig('circuit', { failures: 3, cooldownMs: 60_000 });
    const endpoint = await newEndpoint('flaky');
    const t0 = new Date();
    receiver.answer({ status: 503 }, { status: 503 }, { status: 503 });
    for (let i = 0; i < 3; i++) expect((await failure(perform(endpoint.id, { now: t0 }))).transient).toBe(true);
    expect(receiver.received).toHaveLength(3);

    // Open: refused without a request, retry after the time left.
    const held = await failure(perform(endpoint.id, { now: new Date(t0.getTime() + 10_000) }));
    expect(held.transient).toBe(true);
    expect(held.retryAfterMs).toBe(50_000);
    expect(receiver.received).toHaveLength(3);
    const listed = (await call(admin, 'GET', '/automation/webhook-endpoints')).body.data.find((e: any) => e.id === endpoint.id);
    expect(listed).toMatchObject({ circuit: 'open', consecutiveFailures: 3 });

    // Half-open: of two deliveries at once, exactly one reaches the receiver.
    const later = new Date(t0.getTime() + 61_000);
    receiver.answer({ status: 503, delayMs: 100 });
    const both = await Promise.allSettled([perform(endpoint.id, { now: later }), perform(endpoint.id, { now: later })]);
    expect(receiver.received).toHaveLength(4);
    expect(both.every((r) => r.status === 'rejected' && (r.reason as DeliveryError).transient)).toBe(true);
    // The trial failed: open for another cool-down.
    const again = await failure(perform(endpoint.id, { now: new Date(later.getTime() + 1000) }));
    expect(again.retryAfterMs).toBe(59_000);

    // Next trial succeeds: closed, failures reset.
    const after = new Date(later.getTime() + 61_000);
    await expect(perform(endpoint.id, { now: after })).resolves.toMatchObject({ status: 'sent' });
    const row = await app.strapi.db.connection('ci_automation_endpoints').where({ id: endpoint.id }).first('consecutive_failures', 'open_until');
    expect(Number(row.consecutive_failures)).toBe(0);
    expect(row.open_until).toBeNull();
    await expect(perform(endpoint.id, { now: after })).resolves.toMatchObject({ status: 'sent' });
    setConfig('circuit', { failures: 5, cooldownMs: 60_000 });
  });

  it('holds sends over the per-minute rate limit, counted in the database, until the next minute', async () => {
    setConfig('rateLimits', { webhook: 2 });
    const endpoint = await newEndpoint('limited');
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 15_000);
    await perform(endpoint.id, { now: minute });
    await perform(endpoint.id, { now: minute });
    const held = await failure(perform(endpoint.id, { now: minute }));
    expect(held).toMatchObject({ transient: true, retryAfterMs: 45_000 });
    expect(receiver.received).toHaveLength(2);
    const counter = await app.strapi.db
      .connection('ci_automation_rate')
      .where({ channel: 'webhook', minute: Math.floor(minute.getTime() / 60_000) })
      .first();
    expect(Number(counter.sends)).toBe(2);
    await expect(perform(endpoint.id, { now: new Date(minute.getTime() + 60_000) })).resolves.toMatchObject({ status: 'sent' });
    // Ten at once against a budget of two (as workers on several nodes would): exactly two pass.
    receiver.reset();
    const next = new Date(minute.getTime() + 120_000);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => perform(endpoint.id, { now: next })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(receiver.received).toHaveLength(2);
    setConfig('rateLimits', {});
  });

  it("sends an SMS through the configured gateway: rendered in the customer's language, idempotency key as header", async () => {
    const action = {
      type: 'sms' as const,
      text: { en: 'Hi {{name}}, your {{amount}} renewal', 'zh-Hans': '{{name}}，您好：续约 {{amount}} 元' },
    };
    // No gateway configured: permanent.
    setConfig('gateways', {});
    const none = await failure(smsAction.perform(contextFor(app.strapi, customer, action)));
    expect(none).toMatchObject({ transient: false, message: 'sms gateway is not configured' });
    expect(receiver.received).toHaveLength(0);

    setConfig('gateways', { sms: { url: `${receiver.url}/sms`, authorization: 'Bearer gateway-token' } });
    const ctx = contextFor(app.strapi, customer, action);
    await expect(smsAction.perform(ctx)).resolves.toMatchObject({ status: 'sent' });
    const [got] = receiver.received;
    expect(got.url).toBe('/sms');
    expect(got.headers['idempotency-key']).toBe(ctx.idemKey);
    expect(got.headers.authorization).toBe('Bearer gateway-token');
    expect(JSON.parse(got.body)).toEqual({ to: '13800001234', title: '', text: 'Hi Zhu "Xiao" Ming, your 1200 renewal', idempotencyKey: ctx.idemKey });

    // A zh-Hans customer reads zh-Hans; a form-encoded template of the deployment's own.
    setConfig('gateways', {
      sms: {
        url: `${receiver.url}/form`,
        bodyTemplate: 'mobile={{to}}&content={{text}}&ref={{idempotency_key}}',
        contentType: 'application/x-www-form-urlencoded',
      },
    });
    const li = await createCustomer(app.strapi, { name: '李雷', phone: '13900005678' }, 'zh-Hans');
    const zhCtx = contextFor(app.strapi, li, action);
    await smsAction.perform(zhCtx);
    const form = new URLSearchParams(receiver.received[1].body);
    expect(form.get('mobile')).toBe('13900005678');
    expect(form.get('content')).toBe('李雷，您好：续约 1200 元');
    expect(form.get('ref')).toBe(zhCtx.idemKey);

    // Gateway failures classified like webhooks.
    receiver.answer({ status: 503, headers: { 'retry-after': '3' } });
    expect(await failure(smsAction.perform(zhCtx))).toMatchObject({ transient: true, retryAfterMs: 3000 });
    receiver.answer({ status: 422 });
    expect((await failure(smsAction.perform(zhCtx))).transient).toBe(false);

    // No phone: skipped with its reason, nothing sent.
    const noPhone = await createCustomer(app.strapi, { name: 'No Phone' });
    const before = receiver.received.length;
    await expect(smsAction.perform(contextFor(app.strapi, noPhone, action))).resolves.toEqual({
      status: 'skipped',
      reason: 'no_address',
      detail: 'the customer has no phone number',
    });
    expect(receiver.received).toHaveLength(before);
    // Test mode renders, never sends.
    expect((await smsAction.render(contextFor(app.strapi, customer, action, { test: true }))).text).toBe('Hi Zhu "Xiao" Ming, your 1200 renewal');
    await smsAction.perform(contextFor(app.strapi, customer, action, { test: true }));
    expect(receiver.received).toHaveLength(before);
  });

  it('sends a push through the push gateway with title and body, rate limited per channel', async () => {
    setConfig('gateways', { push: { url: `${receiver.url}/push` } });
    setConfig('rateLimits', { push: 1 });
    const action = { type: 'push' as const, title: { en: 'For {{name}}' }, body: { en: 'Campaign {{campaign}}' } };
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const ctx = contextFor(app.strapi, customer, action, { now });
    await expect(pushAction.perform(ctx)).resolves.toMatchObject({ status: 'sent' });
    expect(JSON.parse(receiver.received[0].body)).toEqual({
      to: customer.documentId,
      title: 'For Zhu "Xiao" Ming',
      text: 'Campaign Spring',
      idempotencyKey: ctx.idemKey,
    });
    expect(await failure(pushAction.perform(contextFor(app.strapi, customer, action, { now })))).toMatchObject({ transient: true, retryAfterMs: 60_000 });
    expect(receiver.received).toHaveLength(1);
    setConfig('rateLimits', {});
    setConfig('gateways', {});
  });
});
