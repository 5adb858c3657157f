import type { ParsedMail } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { startReceiver } from '../automation-channels/receiver';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { adminSession, pluginCall, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Automation from end to end, through the pieces a user meets (issue 14): a rule written and
 * approved over the admin API (maker-checker), a customer's interaction written through the
 * Document Service, and then only the app's own loops (the inbox loop, the outbox worker) until
 * a real SMTP server holds the email and a real HTTP receiver the signed webhook. Then what goes
 * wrong: the same event delivered again fires nothing; a crash between the send and its record
 * sends again under the same Message-ID (so the receiver can deduplicate); a refused webhook is
 * dead-lettered and retried by hand; the test mode renders without sending; a role without
 * automation.manage is refused.
 */
describe('automation end to end: interaction → rule → email and webhook, once', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const mails: ParsedMail[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let maker: string;
  let checker: string;
  let outsider: string;
  let ruleDoc: string;
  let secret: string;
  let customerDoc: string;
  let customerId: number;

  const knex = () => app.strapi.db.connection;
  const call = (token: string, method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  /** Polls until `done` holds (the app's own loops do the work), failing with `what` after 60 s. */
  const until = async (what: string, done: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const interact = (type: string) =>
    app.strapi.documents('api::interaction.interaction').create({
      data: { customer: { connect: [{ documentId: customerDoc }] }, type, occurred_at: new Date().toISOString(), channel: 'web' } as any,
    });
  const steps = (status?: string) =>
    knex()('ci_automation_outbox')
      .where({ rule_doc: ruleDoc, ...(status ? { status } : {}) })
      .orderBy('id');
  const settle = () => new Promise((r) => setTimeout(r, 5_000));

  beforeAll(async () => {
    smtp = await startSmtpSink(mails);
    receiver = await startReceiver();
    app = await startStrapi({
      http: true,
      env: smtp.env,
    });
    await adminSession(app);
    // Four mails reach this customer today; the default cap (2 a day) is tested in delivery.test.ts.
    app.strapi.config.set('plugin::client-insights.automation.dailyCap', { email: 10, sms: 1, push: 3 });
    maker = await restrictedSession(app, ['automation.manage']);
    checker = await restrictedSession(app, ['automation.approve']);
    outsider = await restrictedSession(app, ['segments.read']);

    const created: any = await app.strapi
      .documents('api::customer.customer')
      .create({ data: { name: 'Zhang Wei', email: 'zhang.wei@example.com', stage: 'application', language: 'en' } as any });
    customerDoc = created.documentId;
    customerId = Number(created.id);
    await app.strapi.plugin('client-insights').service('customers').setConsent(customerId, 'email', { granted: true, source: 'form', by: null });

    const endpoint = await call(maker, 'POST', '/automation/webhook-endpoints', { name: 'CRM bus', url: `${receiver.url}/hooks` });
    expect(endpoint.status).toBe(201);
    secret = endpoint.body.data.secret;

    const rule = await call(maker, 'POST', '/automation/rules', {
      name: 'Form follow-up',
      trigger: { type: 'event', event: 'interaction.form_submitted' },
      steps: [
        { kind: 'action', action: { type: 'email', subject: { en: 'Thanks, {{name}}' }, body: { en: 'Dear {{name}}, we received your form.' } } },
        { kind: 'action', action: { type: 'webhook', endpointId: endpoint.body.data.id } },
      ],
      // Every form counts; no quiet hours, so the test does not depend on the hour it runs at.
      guard: { reentry: { mode: 'every' }, quietHours: false },
    });
    expect(rule.status).toBe(201);
    ruleDoc = rule.body.data.documentId;
    const submitted = await call(maker, 'POST', `/automation/rules/${ruleDoc}/submit`, { reason: 'Answer every form' });
    expect(submitted.body.data.status).toBe('pending_approval');
    const approved = await call(checker, 'POST', `/approvals/${submitted.body.meta.approval.id}/approve`, {});
    expect(approved.body.data.status).toBe('executed');
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await smtp?.close();
  });

  it('sends the email and the signed webhook once for one interaction', async () => {
    await interact('form_submitted');
    await until('the email and the webhook', () => mails.length === 1 && receiver.received.length === 1);
    // A step is marked done after its send, in its group's commit: the receiver can hold the webhook first.
    await until('both steps done', async () => (await steps('done')).length === 2);
    const mail = mails[0];
    expect(mail.subject).toBe('Thanks, Zhang Wei');
    expect((mail.to as any).value[0].address).toBe('zhang.wei@example.com');

    const done = await steps('done');
    expect(done).toHaveLength(2);
    const [emailStep, webhookStep] = done;
    // The webhook carries the step's idempotency key as its id and verifies with the endpoint's secret.
    const hook = receiver.received[0];
    expect(hook.headers['webhook-id']).toBe(webhookStep.idem_key);
    const payload = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as any;
    expect(payload.customer).toMatchObject({ id: customerId, documentId: customerDoc, name: 'Zhang Wei' });
    expect(JSON.stringify(payload)).not.toContain('zhang.wei@example.com');

    const logs = await call(maker, 'GET', `/automation/logs?rule=${ruleDoc}&pageSize=50`);
    expect(logs.status).toBe(200);
    const statuses = logs.body.data.map((l: any) => `${l.action ?? 'trigger'}:${l.status}`).sort();
    expect(statuses).toEqual(['email:sent', 'trigger:triggered', 'webhook:sent']);
    expect(logs.body.data.find((l: any) => l.action === 'email').idemKey).toBe(emailStep.idem_key);

    // Nothing else turns up once the loops have had time to run again.
    await settle();
    expect([mails.length, receiver.received.length]).toEqual([1, 1]);
  });

  it('fires nothing when the same event reaches the inbox again', async () => {
    const [occurrence] = await knex()('ci_automation_occurrences').where({ rule_doc: ruleDoc });
    const [event, ref] = [occurrence.trigger_key.slice(0, occurrence.trigger_key.lastIndexOf(':')), occurrence.trigger_key.split(':').pop()];
    await knex()('ci_automation_inbox').insert({ event, customer_id: customerId, ref, payload: '{}', occurred_at: new Date() });
    await app.strapi.plugin('client-insights').service('automationTriggers').drainInbox();
    await settle();
    expect(await knex()('ci_automation_occurrences').where({ rule_doc: ruleDoc })).toHaveLength(1);
    expect([mails.length, receiver.received.length]).toEqual([1, 1]);
  });

  it('after a crash between a send and its record, sends again under the same Message-ID and webhook-id', async () => {
    // As a node that died after the SMTP server took the mail and before it committed the step as
    // done: the step still claimed (its lease now over), the sequence running, the next step not
    // yet written (it is written in the same transaction as "done").
    const [emailStep, webhookStep] = await steps('done');
    await knex()('ci_automation_outbox').where({ id: webhookStep.id }).delete();
    await knex()('ci_automation_occurrences').where({ id: emailStep.occurrence_id }).update({ state: 'running' });
    await knex()('ci_automation_outbox')
      .where({ id: emailStep.id })
      .update({ status: 'claimed', claimed_by: 'dead-node', claimed_until: new Date(Date.now() - 1000) });
    await until('the re-sent email and webhook', () => mails.length === 2 && receiver.received.length === 2);
    expect(mails[1].messageId).toBe(mails[0].messageId);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    await settle();
    expect([mails.length, receiver.received.length]).toEqual([2, 2]);
    expect(await steps('claimed')).toHaveLength(0);
  });

  it('dead-letters a refused webhook, and a retry by hand delivers it under the same id', async () => {
    receiver.answer({ status: 400 });
    await interact('form_submitted');
    await until('the dead letter', async () => (await steps('dead')).length === 1);
    const [dead] = await steps('dead');
    expect(mails).toHaveLength(3);
    expect(receiver.received).toHaveLength(3);

    const refused = await call(maker, 'POST', '/automation/dead-letters/retry', { idemKey: 'no-such-key' });
    expect(refused.status).toBe(404);
    const retried = await call(maker, 'POST', '/automation/dead-letters/retry', { idemKey: dead.idem_key });
    expect([retried.status, retried.body.data]).toEqual([200, { idemKey: dead.idem_key, retried: true }]);
    await until('the retried webhook', () => receiver.received.length === 4);
    expect(receiver.received[3].headers['webhook-id']).toBe(receiver.received[2].headers['webhook-id']);
    await until('the retried step done', async () => (await knex()('ci_automation_outbox').where({ id: dead.id }).first()).status === 'done');
    // Retrying a step that is not dead changes nothing.
    expect((await call(maker, 'POST', '/automation/dead-letters/retry', { idemKey: dead.idem_key })).status).toBe(409);
  });

  it('tests the rule against the customer without sending, and refuses a role without automation.manage', async () => {
    const before = [mails.length, receiver.received.length];
    const tested = await call(maker, 'POST', `/automation/rules/${ruleDoc}/test`, { customerId });
    expect(tested.status).toBe(200);
    const result = tested.body.data;
    expect(result).toMatchObject({ customerId, conditionsPass: true, blockedBy: [] });
    expect(result.steps.map((s: any) => [s.action, s.outcome])).toEqual([
      ['email', 'run'],
      ['webhook', 'run'],
    ]);
    expect(result.steps[0].rendered.subject).toBe('Thanks, Zhang Wei');
    await settle();
    expect([mails.length, receiver.received.length]).toEqual(before);

    // A forecast counts who it would reach now (this customer: the only one).
    const forecast = await call(maker, 'POST', `/automation/rules/${ruleDoc}/forecast`, {});
    expect([forecast.status, forecast.body.data.candidates, forecast.body.data.wouldFire]).toEqual([200, 1, 1]);

    // "Send a test to me": to the caller's address, with no live link of the customer's in it.
    const sent = await call(maker, 'POST', `/automation/rules/${ruleDoc}/send-test`, { customerId });
    expect(sent.status).toBe(200);
    expect(sent.body.data.emails).toEqual([{ path: '0', status: 'sent', detail: null }]);
    await until('the test email', () => mails.length === before[0] + 1);
    const test = mails.at(-1)!;
    expect([(test.to as any).value[0].address, test.subject]).toEqual([sent.body.data.to, 'Thanks, Zhang Wei']);
    expect(String(test.html)).not.toContain('/api/email/open/');
    expect((await fetch(`${app.url}/api/email/unsubscribe/test`, { method: 'POST' })).status).toBe(400);
    const consent = await knex()('ci_customer_consent').where({ customer_id: customerId, channel: 'email' }).first();
    expect(Boolean(consent.granted)).toBe(true);

    expect((await call(outsider, 'POST', `/automation/rules/${ruleDoc}/test`, { customerId })).status).toBe(403);
    expect((await call(outsider, 'POST', `/automation/rules/${ruleDoc}/send-test`, { customerId })).status).toBe(403);
    expect((await call(outsider, 'POST', '/automation/dead-letters/retry', { idemKey: 'x' })).status).toBe(403);
    expect((await call(maker, 'POST', `/automation/rules/${ruleDoc}/test`, { customerId: 999_999 })).status).toBe(400);
  });
});
