import type { ParsedMail } from 'mailparser';
import { startReceiver } from '../automation-channels/receiver';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { adminSession, pluginCall, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { at, DAY, engine, HOUR, plus, tick } from './engine';

/**
 * The design document's three automation examples (§3.4), end to end: each rule written over the
 * admin API and approved by a second user (maker-checker), the customer's data written through
 * the Document Service, the time trigger run at a chosen instant, then the real outbox worker
 * until a real SMTP server (smtp-server + mailparser) and a real HTTP receiver (the push gateway)
 * hold what the customer and the sales manager got. Each example asserts what arrived, exactly
 * once across repeated ticks, and the log lines.
 *
 * Time moves by the `now` given to the time triggers and the worker (in 2031, far from the clock
 * the app's own loops tick at, so they never take these rows), never by sleeping.
 */
describe('automation: the design document examples, end to end', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  const mails: ParsedMail[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let maker: string;
  let checker: string;
  let owner: { id: number; token: string; email: string };

  const knex = () => app.strapi.db.connection;
  const call = (token: string, method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  const triggers = () => app.strapi.plugin('client-insights').service('automationTriggers');
  const drainMetrics = () => app.strapi.plugin('client-insights').service('metrics').drain();
  const mailsTo = (address: string) => mails.filter((m) => (m.to as any)?.value?.[0]?.address === address);

  /** A rule written by the maker, submitted and approved by the checker (every example sends outside: high risk). */
  const approvedRule = async (definition: Record<string, unknown>) => {
    const created = await call(maker, 'POST', '/automation/rules', definition);
    expect(created.status).toBe(201);
    const ruleDoc = created.body.data.documentId as string;
    const submitted = await call(maker, 'POST', `/automation/rules/${ruleDoc}/submit`, { reason: 'Design document example' });
    expect(submitted.body.data.status).toBe('pending_approval');
    const approved = await call(checker, 'POST', `/approvals/${submitted.body.meta.approval.id}/approve`, {});
    expect(approved.body.data.status).toBe('executed');
    return ruleDoc;
  };

  /**
   * A customer of the owner, in Asia/Shanghai, with consent on the given channels and a stored
   * score. The score row is the input the condition reads (score.quadrant); how the value models
   * compute it is tested in tests/values.
   */
  const customer = async (name: string, quadrant: string | null, channels: string[], email?: string) => {
    const doc: any = await app.strapi.documents('api::customer.customer').create({
      data: { name, stage: 'signed', timezone: 'Asia/Shanghai', language: 'zh-Hans', owner: owner.id, ...(email ? { email } : {}) } as any,
    });
    const id = Number(doc.id);
    for (const channel of channels)
      await app.strapi.plugin('client-insights').service('customers').setConsent(id, channel, { granted: true, source: 'form', by: null });
    if (quadrant) await knex()('ci_customer_scores').insert({ customer_id: id, quadrant, r: 3, f: 3, m: 3 });
    return { id, documentId: doc.documentId as string };
  };
  const interact = (c: { documentId: string }, type: string, when: Date) =>
    app.strapi.documents('api::interaction.interaction').create({
      data: { customer: { connect: [{ documentId: c.documentId }] }, type, occurred_at: when.toISOString(), channel: 'offline' } as any,
    });
  /** Ticks the worker at `now` until nothing is due (a step's next row is written as it finishes). */
  const work = async (now: Date) => {
    let claimed = 0;
    for (let i = 0; i < 20; i += 1) {
      const tickResult = await tick(app.strapi, now);
      if (!tickResult.claimed) return claimed;
      claimed += tickResult.claimed;
    }
    throw new Error('the worker never ran dry');
  };
  /** The rule's log lines, in order, as `customer action status reason`. */
  const logLines = async (ruleDoc: string, names: Record<number, string>) =>
    (await knex()('ci_automation_logs').where({ rule_doc: ruleDoc }).orderBy('id')).map((r: any) =>
      [names[Number(r.customer_id)] ?? r.customer_id, r.action ?? 'trigger', r.status, r.reason ?? ''].join(' ').trim()
    );
  /** Paused over the API, so a later example's instants do not fire it. */
  const pause = async (ruleDoc: string) => expect((await call(maker, 'POST', `/automation/rules/${ruleDoc}/pause`)).body.data.status).toBe('paused');
  const occurrencesOf = (ruleDoc: string) => knex()('ci_automation_occurrences').where({ rule_doc: ruleDoc }).orderBy('id');
  const notificationsOfOwner = async () => (await call(owner.token, 'GET', '/notifications?pageSize=100')).body.data as any[];

  beforeAll(async () => {
    smtp = await startSmtpSink(mails);
    receiver = await startReceiver();
    app = await startStrapi({
      http: true,
      env: smtp.env,
    });
    await adminSession(app);
    // The test ticks the worker itself at chosen instants. The app's own worker scans the same
    // index with FOR UPDATE SKIP LOCKED, and on MariaDB a row its scan holds for a moment is
    // skipped by the test's tick (the next tick takes it): one tick's count would depend on timing.
    await engine.worker.stopWorker(app.strapi);
    // The deployment's push gateway (a generic HTTP gateway): here the test's receiver.
    app.strapi.config.set('plugin::client-insights.automation.gateways.push', { url: `${receiver.url}/push`, authorization: 'Bearer push-gateway-token' });
    maker = await restrictedSession(app, ['automation.manage']);
    checker = await restrictedSession(app, ['automation.approve']);

    // The sales manager who owns the customers, reading the admin in Simplified Chinese.
    const salesRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'client-insights-sales-manager' } });
    const email = 'manager@test.local';
    const password = 'Manager12345!';
    const user = await app.strapi
      .service('admin::user')
      .create({ email, firstname: 'Wang', lastname: 'Fang', password, isActive: true, roles: [salesRole.id], preferedLanguage: 'zh-Hans' });
    const login = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    owner = { id: Number(user.id), token: ((await login.json()) as any).data.token, email };
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await smtp?.close();
  });

  it('高潜力 + 7 天未跟进 → 推送提醒给销售经理: a push through the gateway and the owner notified, once', async () => {
    // 2031-05-12 10:00 in Shanghai: outside the quiet hours.
    const T0 = at('2031-05-12T02:00:00Z');
    const quiet = await customer('李雷', 'potential', ['push']);
    const dormant = await customer('韩梅梅', 'dormant', ['push']);
    const recent = await customer('张伟', 'potential', ['push']);
    await interact(quiet, 'follow_up', plus(T0, -8 * DAY));
    await interact(dormant, 'follow_up', plus(T0, -8 * DAY));
    await interact(recent, 'follow_up', plus(T0, -3 * DAY));
    await drainMetrics();
    const ruleDoc = await approvedRule({
      name: '高潜力 7 天未跟进',
      trigger: { type: 'inactivity', event: 'follow_up', days: 7 },
      conditions: { '==': [{ var: 'score.quadrant' }, 'potential'] },
      steps: [
        {
          kind: 'action',
          action: { type: 'push', title: { en: 'We miss you', 'zh-Hans': '好久不见' }, body: { en: 'Hi {{name}}', 'zh-Hans': '{{name}}，您的顾问想与您联系' } },
        },
        {
          kind: 'action',
          action: { type: 'notify', to: { to: 'owner' }, message: { en: 'Follow up {{name}}', 'zh-Hans': '高潜力客户{{name}}已 7 天未跟进' }, email: true },
        },
      ],
    });

    // A day before the seventh day is over: nobody.
    await triggers().runTimeTriggers(plus(T0, -DAY - HOUR));
    expect(await occurrencesOf(ruleDoc)).toHaveLength(0);
    await triggers().runTimeTriggers(T0);
    await triggers().runTimeTriggers(plus(T0, 60_000));
    expect(await work(T0)).toBe(2);
    // Ticks later (and another pass of the trigger) change nothing: once per quiet spell.
    await triggers().runTimeTriggers(plus(T0, HOUR));
    expect(await work(plus(T0, HOUR))).toBe(0);

    expect((await occurrencesOf(ruleDoc)).map((o: any) => [o.customer_id, o.state])).toEqual([
      [quiet.id, 'done'],
      [dormant.id, 'skipped'],
    ]);
    // The push gateway got one request, for the potential customer, carrying the step's key.
    expect(receiver.received).toHaveLength(1);
    const push = receiver.received[0];
    const [pushStep] = await knex()('ci_automation_outbox').where({ rule_doc: ruleDoc, step_path: '0' });
    expect([push.url, push.headers.authorization, push.headers['idempotency-key']]).toEqual(['/push', 'Bearer push-gateway-token', pushStep.idem_key]);
    expect(JSON.parse(push.body)).toEqual({ to: quiet.documentId, title: '好久不见', text: '李雷，您的顾问想与您联系', idempotencyKey: pushStep.idem_key });
    // The owner: one in-app notification in their language, and one email.
    const notes = (await notificationsOfOwner()).filter((n) => n.ruleDoc === ruleDoc);
    expect(notes).toEqual([expect.objectContaining({ title: '高潜力 7 天未跟进', body: '高潜力客户李雷已 7 天未跟进', customerId: quiet.id, readAt: null })]);
    const ownerMails = mailsTo(owner.email);
    expect(ownerMails.map((m) => [m.subject, String(m.text).trim()])).toEqual([['高潜力 7 天未跟进', '高潜力客户李雷已 7 天未跟进']]);
    expect(await logLines(ruleDoc, { [quiet.id]: 'quiet', [dormant.id]: 'dormant' })).toEqual([
      'quiet trigger triggered',
      'dormant trigger skipped condition_false',
      'quiet push sent',
      'quiet notify done',
    ]);

    // The customer followed up three days before T0 reaches his seventh day four days later, once.
    const later = plus(T0, 4 * DAY + 60_000);
    await triggers().runTimeTriggers(later);
    await triggers().runTimeTriggers(plus(later, HOUR));
    expect(await work(plus(later, HOUR))).toBe(2);
    expect(receiver.received.map((r) => JSON.parse(r.body).to)).toEqual([quiet.documentId, recent.documentId]);
    expect((await notificationsOfOwner()).filter((n) => n.ruleDoc === ruleDoc)).toHaveLength(2);
    await pause(ruleDoc);
  });

  it('报名活动未签到 → 自动发送补救资料: one email with the material as a link, 24 hours after the signup', async () => {
    // Signed up 2031-05-13 11:00 in Shanghai; the window closes a day later, outside the quiet hours.
    const signup = at('2031-05-13T03:00:00Z');
    const missed = await customer('王芳', null, ['email'], 'wang.fang@example.com');
    const came = await customer('赵敏', null, ['email'], 'zhao.min@example.com');
    await interact(missed, 'event_signup', signup);
    await interact(came, 'event_signup', signup);
    await interact(came, 'event_checkin', plus(signup, 2 * HOUR));
    await drainMetrics();
    const brochure = 'https://files.example.com/expo-2031-slides.pdf';
    const ruleDoc = await approvedRule({
      name: '报名未签到补救',
      trigger: { type: 'absence', event: 'event_signup', missing: 'event_checkin', within: { amount: 24, unit: 'hours' } },
      steps: [
        {
          kind: 'action',
          action: {
            type: 'email',
            subject: { en: 'Sorry we missed you, {{name}}', 'zh-Hans': '{{name}}，错过了活动？资料在这里' },
            body: { en: 'Here are the slides.', 'zh-Hans': '{{name}}您好：这是活动的资料，欢迎查阅。' },
            attachments: [{ name: '活动资料 PDF', url: brochure }],
          },
        },
      ],
    });
    const before = mails.length;

    // The window is still open an hour before it closes.
    await triggers().runTimeTriggers(plus(signup, 23 * HOUR));
    expect(await occurrencesOf(ruleDoc)).toHaveLength(0);
    const closed = plus(signup, DAY + 60_000);
    await triggers().runTimeTriggers(closed);
    expect(await work(closed)).toBe(1);
    await triggers().runTimeTriggers(plus(closed, HOUR));
    expect(await work(plus(closed, HOUR))).toBe(0);

    expect(mails.length - before).toBe(1);
    const [mail] = mailsTo('wang.fang@example.com');
    expect(mail.subject).toBe('王芳，错过了活动？资料在这里');
    expect(String(mail.text)).toContain('王芳您好：这是活动的资料，欢迎查阅。');
    expect(mailsTo('zhao.min@example.com')).toHaveLength(0);
    // The material is a tracked link: following it lands on the file and writes the click back.
    const link = [...String(mail.html).matchAll(/<a href="([^"]+\/api\/email\/click\/[^"]+)"[^>]*>([^<]+)</g)].find((m) => m[2].includes('活动资料 PDF'));
    expect(link).toBeDefined();
    const followed = await fetch(`${app.url}${link![1].replace(/&amp;/g, '&').replace(/^https?:\/\/[^/]+/, '')}`, { redirect: 'manual' });
    expect([followed.status, followed.headers.get('location')]).toEqual([302, brochure]);
    const clicks = await app.strapi
      .documents('api::interaction.interaction')
      .findMany({ filters: { customer: { id: missed.id }, type: 'email_click' } as any, fields: ['properties'] as any });
    expect(clicks.map((c: any) => c.properties.url)).toEqual([brochure]);

    const [emailStep] = await knex()('ci_automation_outbox').where({ rule_doc: ruleDoc });
    expect(mail.messageId).toContain(`ci.${missed.id}.`);
    expect((await occurrencesOf(ruleDoc)).map((o: any) => [o.customer_id, o.trigger_key, o.state])).toEqual([
      [missed.id, `absence:event_signup:${signup.toISOString()}`, 'done'],
    ]);
    expect(emailStep.status).toBe('done');
    expect(await logLines(ruleDoc, { [missed.id]: 'missed' })).toEqual(['missed trigger triggered', 'missed email sent']);
    await pause(ruleDoc);
  });

  it('高价值客户续签前 30 天 → 创建续约任务 + 自动发送关怀邮件: a renewal task for the owner and a care email, on the day', async () => {
    const valued = await customer('陈静', 'high_value', ['email'], 'chen.jing@example.com');
    const dormant = await customer('刘洋', 'dormant', ['email'], 'liu.yang@example.com');
    // Both contracts end 2031-07-01 12:00 in Shanghai; 30 days before is 2031-06-01, fired at 09:00 there (01:00 UTC).
    for (const c of [valued, dormant])
      await app.strapi.documents('api::order.order').create({
        data: {
          customer: { connect: [{ documentId: c.documentId }] },
          amount: 50_000,
          kind: 'new',
          payment_status: 'paid',
          ordered_at: '2030-07-01T04:00:00Z',
          contract_end_at: '2031-07-01T04:00:00Z',
        } as any,
      });
    await drainMetrics();
    const ruleDoc = await approvedRule({
      name: '高价值客户续签前 30 天',
      trigger: { type: 'date', field: 'metrics.contract_end_at', days: -30, at: '09:00' },
      conditions: { '==': [{ var: 'score.quadrant' }, 'high_value'] },
      steps: [
        {
          kind: 'action',
          action: { type: 'task', kind: 'renewal', title: { en: 'Renew {{name}}', 'zh-Hans': '为{{name}}办理续约' }, assignee: { to: 'owner' }, dueInDays: 14 },
        },
        {
          kind: 'action',
          action: {
            type: 'email',
            subject: { en: 'Thank you, {{name}}', 'zh-Hans': '{{name}}，感谢一路同行' },
            body: { en: 'Your contract renews soon.', 'zh-Hans': '{{name}}您好：您的服务即将到期，顾问{{owner.name}}会与您联系。' },
          },
        },
      ],
    });
    const fired = at('2031-06-01T01:00:00Z');

    await triggers().runTimeTriggers(plus(fired, -60_000));
    expect(await occurrencesOf(ruleDoc)).toHaveLength(0);
    await triggers().runTimeTriggers(fired);
    expect(await work(fired)).toBe(2);
    await triggers().runTimeTriggers(plus(fired, 6 * HOUR));
    await triggers().runTimeTriggers(plus(fired, DAY));
    expect(await work(plus(fired, DAY))).toBe(0);

    expect((await occurrencesOf(ruleDoc)).map((o: any) => [o.customer_id, o.trigger_key, o.state])).toEqual([
      [valued.id, 'date:metrics.contract_end_at:2031-06-01', 'done'],
      [dormant.id, 'date:metrics.contract_end_at:2031-06-01', 'skipped'],
    ]);
    const tasks = await app.strapi
      .documents('api::task.task')
      .findMany({ filters: { customer: { id: { $in: [valued.id, dormant.id] } } } as any, populate: ['assignee', 'customer'] as any });
    expect(tasks.map((t: any) => [t.customer.id, t.title, t.kind, t.task_status, t.assignee?.id, new Date(t.due_at).toISOString()])).toEqual([
      [valued.id, '为陈静办理续约', 'renewal', 'open', owner.id, plus(fired, 14 * DAY).toISOString()],
    ]);
    const care = mailsTo('chen.jing@example.com');
    expect(care.map((m) => m.subject)).toEqual(['陈静，感谢一路同行']);
    expect(String(care[0].text)).toContain('陈静您好：您的服务即将到期，顾问Wang Fang会与您联系。');
    expect(mailsTo('liu.yang@example.com')).toHaveLength(0);
    expect(await logLines(ruleDoc, { [valued.id]: 'valued', [dormant.id]: 'dormant' })).toEqual([
      'valued trigger triggered',
      'dormant trigger skipped condition_false',
      'valued task done',
      'valued email sent',
    ]);
  });
});
