import type { AddressInfo } from 'net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { emailAction } from '../../plugins/client-insights/server/src/modules/automation/actions/email';
import { signToken } from '../../plugins/client-insights/server/src/modules/automation/actions/email-signing';
import { DeliveryError, type ActionContext, type ActionCustomer } from '../../plugins/client-insights/server/src/modules/automation/actions/types';
import { startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Automation email (issue 14, items 4 and 10) against a real SMTP server (smtp-server, messages
 * parsed with mailparser): the action performed through its handler with a real ActionContext,
 * SMTP refusals classified, and the write-back routes (unsubscribe, pixel, tracked link, provider
 * webhook) called over HTTP as a mail client and a provider would.
 */

const WEBHOOK_SECRET = 'provider-shared-secret-for-tests';

type EmailContext = ActionContext<Extract<ActionContext['action'], { type: 'email' }>>;

describe('automation email', () => {
  let app: TestApp;
  let smtp: SMTPServer;
  let smtpPort: number;
  const received: ParsedMail[] = [];
  let customer: ActionCustomer;
  let ownerId: number;

  const startSmtp = (port = 0) =>
    new Promise<void>((resolve) => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        disableReverseLookup: true,
        // The app pools connections: closing ("SMTP down") ends them after a second rather than waiting for them.
        closeTimeout: 1000,
        logger: false,
        onRcptTo(address, _session, callback) {
          if (address.address.startsWith('reject')) return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
          if (address.address.startsWith('busy')) return callback(Object.assign(new Error('4.2.1 try again later'), { responseCode: 451 }));
          callback();
        },
        onData(stream, _session, callback) {
          simpleParser(stream).then((mail) => {
            received.push(mail);
            callback();
          }, callback);
        },
      });
      smtp.listen(port, '127.0.0.1', () => {
        smtpPort = (smtp.server.address() as AddressInfo).port;
        resolve();
      });
    });

  const action = (): EmailContext['action'] => ({
    type: 'email',
    subject: { en: 'Renewal for {{name}}', 'zh-Hans': '{{name}}，续签提醒' },
    body: {
      en: 'Dear {{name}}, you spent {{metrics.total_spent}}. Event: {{trigger.event_name}}. See https://example.com/renew?a=1&b=2',
      'zh-Hans': '{{name}}您好：累计消费 {{metrics.total_spent}}，顾问 {{owner.name}}，活动 {{trigger.event_name}}。详见 https://example.com/renew?a=1&b=2',
    },
    attachments: [{ name: 'Brochure <2026>', url: 'https://files.example.com/brochure.pdf' }],
  });

  const contextFor = (who: Partial<ActionCustomer> = {}, idemKey = '1:c:1:0'): EmailContext => ({
    strapi: app.strapi,
    knex: app.strapi.db.connection,
    action: action(),
    customer: { ...customer, ...who },
    idemKey,
    rule: { doc: 'rule-doc', version: 1, name: 'Renewal' },
    trigger: { key: 'occ-1', event: 'interaction.event_signup', data: { event_name: 'Expo <Spring>' } },
    test: false,
    now: new Date(),
  });

  const interactions = async (type: string) =>
    (await app.strapi
      .documents('api::interaction.interaction')
      .findMany({ filters: { customer: { id: customer.id }, type } as any, fields: ['properties'] as any })) as any[];
  const consent = async () => app.strapi.db.connection('ci_customer_consent').where({ customer_id: customer.id, channel: 'email' }).first();
  const relative = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
  const get = (url: string) => fetch(`${app.url}${relative(url)}`, { redirect: 'manual' });
  const performError = async (ctx: EmailContext) => {
    try {
      await emailAction.perform(ctx);
    } catch (error) {
      return error as DeliveryError;
    }
    throw new Error('expected a DeliveryError');
  };
  const lastMail = () => received[received.length - 1];
  /** mailparser reads List-* headers into one `list` header. */
  const unsubscribeUrl = (mail: ParsedMail) => String((mail.headers.get('list') as any)?.unsubscribe?.url);

  beforeAll(async () => {
    await startSmtp();
    app = await startStrapi({
      http: true,
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        SMTP_FROM: 'Client Insights <crm@insights.test>',
        SMTP_TIMEOUT_MS: '3000',
        CI_EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
    const owner = await app.strapi.service('admin::user').create({ email: 'owner@test.local', firstname: 'Wang', lastname: 'Fang', isActive: true, roles: [] });
    ownerId = Number(owner.id);
    const created: any = await app.strapi
      .documents('api::customer.customer')
      .create({ data: { name: 'Li & <Co>', email: 'li@example.com', stage: 'signed', language: 'zh-Hans', owner: ownerId } as any });
    await app.strapi.documents('api::order.order').create({
      data: {
        customer: { connect: [{ documentId: created.documentId }] },
        amount: 1234.5,
        kind: 'new',
        payment_status: 'paid',
        ordered_at: '2026-01-05T00:00:00.000Z',
      } as any,
    });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    customer = {
      id: created.id,
      documentId: created.documentId,
      name: 'Li & <Co>',
      email: 'li@example.com',
      phone: null,
      locale: 'zh-Hans',
      timezone: 'Asia/Shanghai',
      stage: 'signed',
      ownerId,
    };
    await app.strapi.plugin('client-insights').service('customers').setConsent(customer.id, 'email', { granted: true, source: 'form', by: null });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => smtp.close(() => resolve(undefined)));
  });

  it('sends once, in the customer language, with the Message-ID of its idempotency key and List-Unsubscribe', async () => {
    const outcome = await emailAction.perform(contextFor());
    expect(outcome).toEqual({ status: 'sent', externalId: expect.stringMatching(/^<ci\.\d+\.[0-9a-f]{24}\.[0-9a-f]{16}@insights\.test>$/) });
    expect(received).toHaveLength(1);
    const mail = lastMail();
    expect(mail.messageId).toBe((outcome as any).externalId);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('li@example.com');
    expect(mail.subject).toBe('Li & <Co>，续签提醒');
    // Plain text as written; HTML with every value escaped (the customer's name, the trigger's data, the attachment's name).
    expect(mail.text).toContain('Li & <Co>您好：累计消费 1234.5，顾问 Wang Fang，活动 Expo <Spring>。');
    expect(mail.html).toContain('Li &amp; &lt;Co&gt;您好：累计消费 1234.5，顾问 Wang Fang，活动 Expo &lt;Spring&gt;。');
    expect(mail.html).toContain('Brochure &lt;2026&gt;');
    expect(mail.html).not.toContain('<Co>');
    expect(unsubscribeUrl(mail)).toContain('/api/email/unsubscribe/');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // The same step again (a retry) carries the same Message-ID: the receiver can discard the copy.
    const again = await emailAction.perform(contextFor());
    expect((again as any).externalId).toBe((outcome as any).externalId);
    expect(lastMail().messageId).toBe(mail.messageId);
    const other = await emailAction.perform(contextFor({}, '1:c:2:0'));
    expect((other as any).externalId).not.toBe((outcome as any).externalId);
    const sent = await interactions('email_sent');
    expect(sent.map((i) => i.properties.messageId)).toContain(mail.messageId);
  });

  it('records email_sent like any interaction: on the customer after their others, seen by the automation inbox and the activity copy', async () => {
    const knex = app.strapi.db.connection;
    // Sends that finish together are recorded together (one group, interaction-rows.ts).
    await app.strapi.plugin('client-insights').service('automationTriggers').stop();
    const outcomes = await Promise.all(['1:c:7:0', '1:c:8:0', '1:c:9:0'].map((key) => emailAction.perform(contextFor({}, key))));
    const ids = new Set(outcomes.map((o: any) => o.externalId));
    const rows = (await app.strapi.documents('api::interaction.interaction').findMany({
      filters: { customer: { id: customer.id }, type: 'email_sent' } as any,
      fields: ['properties', 'publishedAt', 'occurred_at', 'channel'] as any,
    })) as any[];
    const mine = rows.filter((r) => ids.has(r.properties.messageId));
    expect(mine).toHaveLength(3);
    for (const r of mine) {
      expect(r.documentId).toMatch(/^[a-z][a-z0-9]{23}$/);
      expect(r.publishedAt).toBeTruthy();
      expect(r.channel).toBe('email');
      expect(r.properties).toMatchObject({ rule: 'rule-doc', version: 1 });
    }
    // Each placed after the customer's earlier interactions, as connecting it would place it.
    const links = await knex('interactions_customer_lnk').where('customer_id', customer.id).orderBy('interaction_ord');
    const ords = links.map((l: any) => Number(l.interaction_ord));
    expect(new Set(ords).size).toBe(ords.length);
    expect(
      links
        .slice(-3)
        .map((l: any) => Number(l.interaction_id))
        .sort()
    ).toEqual(mine.map((r) => Number(r.id)).sort());
    // The automation inbox holds an interaction.email_sent event for each (so "sent and not clicked" triggers run on them).
    // (The app's inbox loop is stopped for this: it would take the rows as they come.)
    const inbox = await knex('ci_automation_inbox').where({ event: 'interaction.email_sent', customer_id: customer.id });
    expect(inbox.map((e: any) => e.ref).sort()).toEqual(expect.arrayContaining(mine.map((r) => String(r.id)).sort()));
    // The rollup's activity copy has them once its drain has run.
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const copied = await knex('ci_customer_events').where({ customer_id: customer.id, type: 'email_sent' }).count({ n: '*' }).first();
    expect(Number(copied.n)).toBe(rows.length);
  });

  it('renders for the test mode without sending; a locale without its own text falls back to en', async () => {
    const before = received.length;
    const rendered = await emailAction.render({ ...contextFor({ locale: 'zh' }), test: true });
    expect(rendered.subject).toBe('Renewal for Li & <Co>');
    expect(rendered.summary).toEqual({
      en: 'Email to l***@example.com: Renewal for Li & <Co>',
      'zh-Hans': '发送邮件至 l***@example.com：Renewal for Li & <Co>',
      zh: '寄送郵件至 l***@example.com：Renewal for Li & <Co>',
    });
    expect(rendered.html).toContain('you spent 1234.5');
    expect(await emailAction.perform({ ...contextFor(), test: true })).toEqual({ status: 'done', detail: 'test mode: rendered, not sent' });
    expect(received).toHaveLength(before);
  });

  it('classifies refusals: 5xx and an invalid address permanent, 4xx transient, no address skipped, no SMTP configured permanent', async () => {
    const rejected = await performError(contextFor({ email: 'reject@example.com' }));
    expect(rejected).toBeInstanceOf(DeliveryError);
    expect(rejected.transient).toBe(false);
    expect(rejected.message).toMatch(/^SMTP 550/);
    expect(rejected.message).not.toContain('reject@example.com');
    const invalid = await performError(contextFor({ email: 'no address at all' }));
    expect(invalid.transient).toBe(false);
    const busy = await performError(contextFor({ email: 'busy@example.com' }));
    expect(busy.transient).toBe(true);
    expect(busy.message).toMatch(/^SMTP 451/);
    expect(await emailAction.perform(contextFor({ email: null }))).toEqual({ status: 'skipped', reason: 'no_address' });
    app.strapi.config.set('plugin::email.provider', 'sendmail');
    try {
      const unconfigured = await performError(contextFor());
      expect(unconfigured.message).toBe('email is not configured');
      expect(unconfigured.transient).toBe(false);
    } finally {
      app.strapi.config.set('plugin::email.provider', 'nodemailer');
    }
  });

  it('records an open once per message and a click on a signed link, refusing a link not signed', async () => {
    await emailAction.perform(contextFor({}, '1:c:3:0'));
    const html = lastMail().html as string;
    const pixel = /<img src="([^"]+)"/.exec(html)![1];
    for (let i = 0; i < 3; i++) {
      const res = await get(pixel);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 6)
          .toString()
      ).toBe('GIF89a');
    }
    const opens = (await interactions('email_open')).filter((i) => i.properties.messageId === lastMail().messageId);
    expect(opens).toHaveLength(1);

    const links = [...html.matchAll(/<a href="([^"]+\/api\/email\/click\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(links).toHaveLength(2); // the link written in the body and the attachment
    const click = await get(links[1]);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://files.example.com/brochure.pdf');
    const body = await get(links[0]);
    expect(body.headers.get('location')).toBe('https://example.com/renew?a=1&b=2');
    expect((await interactions('email_click')).map((i) => i.properties.url).sort()).toEqual([
      'https://example.com/renew?a=1&b=2',
      'https://files.example.com/brochure.pdf',
    ]);

    // Another destination in a re-encoded payload, without the key to sign it: refused, nothing recorded, no redirect.
    const token = links[1].split('/click/')[1];
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, u: 'https://evil.example.net/' })).toString('base64url');
    const refused = await fetch(`${app.url}/api/email/click/${forged}.${signature}`, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(((await refused.json()) as any).error.details.errors[0].path).toBe('/token');
    // A valid token of another kind (the pixel's) is no link either.
    expect((await fetch(`${app.url}/api/email/click/${pixel.split('/open/')[1]}`, { redirect: 'manual' })).status).toBe(400);
    expect(await interactions('email_click')).toHaveLength(2);
  });

  it('unsubscribes through the link: a page on GET, consent withdrawn on one-click POST, audited; a tampered token changes nothing', async () => {
    const url = unsubscribeUrl(lastMail());
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('退订');
    expect(await consent()).toMatchObject({ source: 'form' });

    const token = url.split('/unsubscribe/')[1];
    const [payload, signature] = token.split('.');
    const tampered = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await fetch(`${app.url}/api/email/unsubscribe/${tampered}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(refused.status).toBe(400);
    expect(Boolean((await consent()).granted)).toBe(true);

    const done = await fetch(`${app.url}${relative(url)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('已退订');
    expect(await consent()).toMatchObject({ source: 'unsubscribe' });
    expect(Boolean((await consent()).granted)).toBe(false);
    const audit = await app.strapi.db
      .connection('ci_audit_log')
      .where({ action: 'consent.change', target_id: String(customer.id) })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(audit.details)).toMatchObject({ channel: 'email', before: { granted: true }, after: { granted: false, source: 'unsubscribe' } });
  });

  it('a link of a customer who no longer exists answers as usual and writes nothing', async () => {
    const gone = 2_000_000;
    const count = async (table: string) => Number((await app.strapi.db.connection(table).count({ n: '*' }))[0].n);
    const [consents, interactionRows] = [await count('ci_customer_consent'), await count('interactions')];
    const unsubscribe = await fetch(`${app.url}/api/email/unsubscribe/${signToken({ k: 'unsubscribe', c: gone, ch: 'email', l: 'en' })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.status).toBe(200);
    expect((await get(`/api/email/open/${signToken({ k: 'open', c: gone, m: '<x@y>' })}`)).status).toBe(200);
    expect((await get(`/api/email/click/${signToken({ k: 'click', c: gone, m: '<x@y>', u: 'https://example.com/' })}`)).status).toBe(302);
    expect([await count('ci_customer_consent'), await count('interactions')]).toEqual([consents, interactionRows]);
  });

  it('accepts provider events only with the shared secret: a soft bounce is marked, a hard bounce and a complaint withdraw consent', async () => {
    const messageId = lastMail().messageId!;
    const post = (body: unknown, secret?: string) =>
      fetch(`${app.url}/api/email/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-webhook-secret': secret } : {}) },
        body: JSON.stringify(body),
      });
    await app.strapi.plugin('client-insights').service('customers').setConsent(customer.id, 'email', { granted: true, source: 'form', by: null });

    expect((await post({ event: 'complaint', messageId })).status).toBe(401);
    expect((await post({ event: 'complaint', messageId }, 'wrong')).status).toBe(401);
    expect(await interactions('complaint')).toHaveLength(0);
    expect(Boolean((await consent()).granted)).toBe(true);
    expect((await post({ event: 'bounce', messageId: '<ci.1.000000000000000000000000.0000000000000000@insights.test>' }, WEBHOOK_SECRET)).status).toBe(404);

    // A soft bounce (a full mailbox) is audited and withdraws nothing.
    const soft = await post({ event: 'bounce', messageId, reason: '452 4.2.2 mailbox full' }, WEBHOOK_SECRET);
    expect(soft.status).toBe(200);
    expect(await soft.json()).toEqual({ data: { recorded: true, customerId: customer.id } });
    expect(Boolean((await consent()).granted)).toBe(true);
    const bounces = () =>
      app.strapi.db
        .connection('ci_audit_log')
        .where({ action: 'email.bounce', target_id: String(customer.id) })
        .orderBy('id');
    expect(JSON.parse((await bounces())[0].details)).toMatchObject({ hard: false, reason: '452 4.2.2 mailbox full' });
    // A hard one (a 5xx reply) withdraws email consent, so automation sends no more mail to the address.
    expect((await post({ event: 'bounce', messageId, reason: '550 5.1.1 mailbox unavailable' }, WEBHOOK_SECRET)).status).toBe(200);
    expect(await consent()).toMatchObject({ source: 'bounce' });
    expect(Boolean((await consent()).granted)).toBe(false);
    expect((await bounces()).map((b: any) => JSON.parse(b.details).hard)).toEqual([false, true]);
    // The provider's own word wins over the reply's code.
    await app.strapi.plugin('client-insights').service('customers').setConsent(customer.id, 'email', { granted: true, source: 'form', by: null });
    expect((await post({ event: 'bounce', messageId, reason: '550 greylisted', bounceType: 'soft' }, WEBHOOK_SECRET)).status).toBe(200);
    expect(Boolean((await consent()).granted)).toBe(true);
    expect((await post({ event: 'bounce', messageId, bounceType: 'maybe' }, WEBHOOK_SECRET)).status).toBe(400);

    const complaint = await post({ event: 'complaint', messageId: messageId.replace(/^<|>$/g, '') }, WEBHOOK_SECRET);
    expect(complaint.status).toBe(200);
    expect(await interactions('complaint')).toHaveLength(1);
    expect(await consent()).toMatchObject({ source: 'complaint' });
    expect(Boolean((await consent()).granted)).toBe(false);
  });

  it('reports a server that is down as transient', async () => {
    await new Promise((resolve) => smtp.close(() => resolve(undefined)));
    const down = await performError(contextFor({}, '1:c:9:0'));
    expect(down.transient).toBe(true);
    expect(down.message).toMatch(/^SMTP E(CONNECTION|SOCKET)/);
    await startSmtp(smtpPort);
  });
});
