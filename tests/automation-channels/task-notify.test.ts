import net from 'net';
import { notifyAction } from '../../plugins/client-insights/server/src/modules/automation/actions/notify';
import { taskAction } from '../../plugins/client-insights/server/src/modules/automation/actions/task';
import { startSmtpSink } from '../helpers/smtp-sink';
import { pluginCall, startStrapi, type TestApp } from '../helpers/strapi';
import { contextFor, createCustomer } from './context';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodemailerProvider = require('@strapi/provider-email-nodemailer');

/**
 * The task and notify actions with a real ActionContext: a Task through the Document Service for
 * the customer's owner, a named admin or the least busy member of a role (skipped `no_assignee`
 * when nobody is left); in-app notifications that each admin reads and marks only for themselves.
 */
describe('task and notify actions, notifications routes', () => {
  let app: TestApp;
  let roleId: number;
  const users: Record<string, { id: number; token: string }> = {};

  const call = (token: string, method: string, path: string, body?: unknown) => pluginCall(app, token, method, path, body);
  const addUser = async (name: string, roles: number[], preferedLanguage?: string) => {
    const email = `${name}@test.local`;
    const password = 'Passw0rd12345!';
    const user = await app.strapi
      .service('admin::user')
      .create({ email, firstname: name, lastname: 'T', password, isActive: true, roles, ...(preferedLanguage ? { preferedLanguage } : {}) });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    users[name] = { id: Number(user.id), token: ((await res.json()) as any).data.token };
  };
  const tasksOf = (customerDoc: string) =>
    app.strapi.documents('api::task.task').findMany({ filters: { customer: { documentId: customerDoc } } as any, populate: ['assignee'] as any });

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    const sales = await app.strapi.db.query('admin::role').findOne({ where: { code: 'client-insights-sales-manager' } });
    const team = await app.strapi.service('admin::role').create({ name: 'Renewals team', description: 'test' });
    roleId = Number(team.id);
    await addUser('owner', [sales.id], 'zh-Hans');
    await addUser('other', [sales.id]);
    await addUser('busy', [roleId]);
    await addUser('free', [roleId]);
  });
  afterAll(async () => app?.stop());

  it("creates a task for the customer's owner, in the owner's language, due dueInDays later", async () => {
    const customer = await createCustomer(app.strapi, { name: '王芳', ownerId: users.owner.id });
    const now = new Date('2026-03-01T02:00:00.000Z');
    const action = {
      type: 'task' as const,
      kind: 'renewal' as const,
      title: { en: 'Renew {{name}}', 'zh-Hans': '为{{name}}续约（{{amount}}）' },
      assignee: { to: 'owner' as const },
      dueInDays: 30,
    };
    const ctx = contextFor(app.strapi, customer, action, { now });
    const outcome = await taskAction.perform(ctx);
    expect(outcome).toMatchObject({ status: 'done' });
    const tasks = await tasksOf(customer.documentId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      title: '为王芳续约（1200）',
      kind: 'renewal',
      task_status: 'open',
      assignee: expect.objectContaining({ id: users.owner.id }),
    });
    expect(new Date(tasks[0].due_at as any).toISOString()).toBe('2026-03-31T02:00:00.000Z');
    // A retry of the same step (a crash after the task was created) finds it: still one task.
    await expect(taskAction.perform(ctx)).resolves.toMatchObject({ status: 'done', externalId: tasks[0].documentId });
    expect(await tasksOf(customer.documentId)).toHaveLength(1);
    // Test mode creates nothing.
    await taskAction.perform(contextFor(app.strapi, customer, action, { test: true }));
    expect(await tasksOf(customer.documentId)).toHaveLength(1);
  });

  it('assigns a role task to the member with the fewest open tasks, a named user to that user', async () => {
    const other = await createCustomer(app.strapi, { name: 'Busy load' });
    for (let i = 0; i < 2; i++) {
      await app.strapi.documents('api::task.task').create({
        data: {
          title: `Open ${i}`,
          kind: 'follow_up',
          task_status: 'open',
          customer: { connect: [{ documentId: other.documentId }] },
          assignee: { connect: [{ id: users.busy.id }] },
        } as any,
      });
    }
    // free's only task is done: it does not count.
    await app.strapi.documents('api::task.task').create({
      data: {
        title: 'Closed',
        kind: 'follow_up',
        task_status: 'done',
        customer: { connect: [{ documentId: other.documentId }] },
        assignee: { connect: [{ id: users.free.id }] },
      } as any,
    });
    const customer = await createCustomer(app.strapi, { name: 'Role customer' });
    const base = { type: 'task' as const, kind: 'follow_up' as const, title: { en: 'Call {{name}}' }, dueInDays: 1 };
    await expect(taskAction.perform(contextFor(app.strapi, customer, { ...base, assignee: { to: 'role', roleId } }))).resolves.toMatchObject({
      status: 'done',
    });
    await expect(taskAction.perform(contextFor(app.strapi, customer, { ...base, assignee: { to: 'user', userId: users.other.id } }))).resolves.toMatchObject({
      status: 'done',
    });
    const tasks = await tasksOf(customer.documentId);
    expect(tasks.map((t: any) => t.assignee?.id).sort()).toEqual([users.free.id, users.other.id].sort());
    expect(tasks.every((t: any) => t.title === 'Call Role customer')).toBe(true);
  });

  it('skips with no_assignee when the customer has no owner (or the user is unknown), creating nothing', async () => {
    const orphan = await createCustomer(app.strapi, { name: 'Orphan' });
    const action = { type: 'task' as const, kind: 'follow_up' as const, title: { en: 'Call' }, assignee: { to: 'owner' as const }, dueInDays: 1 };
    await expect(taskAction.perform(contextFor(app.strapi, orphan, action))).resolves.toMatchObject({ status: 'skipped', reason: 'no_assignee' });
    await expect(taskAction.perform(contextFor(app.strapi, orphan, { ...action, assignee: { to: 'user', userId: 999_999 } }))).resolves.toMatchObject({
      status: 'skipped',
      reason: 'no_assignee',
    });
    await expect(
      notifyAction.perform(contextFor(app.strapi, orphan, { type: 'notify', to: { to: 'owner' }, message: { en: 'x' }, email: false }))
    ).resolves.toMatchObject({
      status: 'skipped',
      reason: 'no_assignee',
    });
    expect(await tasksOf(orphan.documentId)).toHaveLength(0);
  });

  it('notifies in-app once per idempotency key; each user lists and marks only their own', async () => {
    // Empty: nothing, no unread.
    expect((await call(users.owner.token, 'GET', '/notifications')).body).toEqual({
      data: [],
      meta: { pagination: { page: 1, pageSize: 20, pageCount: 0, total: 0 }, unread: 0 },
    });
    const customer = await createCustomer(app.strapi, { name: '赵敏', ownerId: users.owner.id });
    const action = { type: 'notify' as const, to: { to: 'owner' as const }, message: { en: 'Follow up {{name}}', 'zh-Hans': '请跟进{{name}}' }, email: false };
    const ctx = contextFor(app.strapi, customer, action);
    await expect(notifyAction.perform(ctx)).resolves.toMatchObject({ status: 'done', detail: '1 notified in-app' });
    // A retry of the same step notifies nobody again.
    await expect(notifyAction.perform(ctx)).resolves.toMatchObject({ status: 'done', detail: '0 notified in-app' });
    // A role: every active member.
    await notifyAction.perform(contextFor(app.strapi, customer, { ...action, to: { to: 'role', roleId } }));

    const mine = await call(users.owner.token, 'GET', '/notifications');
    expect(mine.status).toBe(200);
    expect(mine.body.meta.unread).toBe(1);
    expect(mine.body.data).toEqual([
      expect.objectContaining({
        title: 'Renewal care',
        body: '请跟进赵敏',
        customerId: customer.id,
        ruleDoc: 'rule-doc-1',
        link: `/plugins/client-insights/customers/${customer.id}`,
        readAt: null,
      }),
    ]);
    const id = mine.body.data[0].id;
    // Nobody else sees or marks it.
    expect((await call(users.other.token, 'GET', '/notifications')).body.data).toEqual([]);
    expect((await call(users.other.token, 'POST', `/notifications/${id}/read`, {})).status).toBe(404);
    expect((await call(users.busy.token, 'GET', '/notifications')).body.data.map((n: any) => n.body)).toEqual(['Follow up 赵敏']);
    expect((await call(users.free.token, 'GET', '/notifications')).body.meta.unread).toBe(1);

    const read = await call(users.owner.token, 'POST', `/notifications/${id}/read`, {});
    expect(read.status).toBe(200);
    expect(read.body.data.readAt).toEqual(expect.any(String));
    expect((await call(users.owner.token, 'GET', '/notifications?unread=true')).body).toMatchObject({ data: [], meta: { unread: 0 } });
    // The others' stay unread.
    expect((await call(users.free.token, 'GET', '/notifications')).body.meta.unread).toBe(1);
    expect((await call(users.free.token, 'POST', '/notifications/read-all', {})).body).toEqual({ data: { updated: 1 } });
    expect((await call(users.free.token, 'GET', '/notifications')).body.meta.unread).toBe(0);
    expect((await call(users.busy.token, 'GET', '/notifications')).body.meta.unread).toBe(1);
    // Bad input: 400 by pointer.
    expect((await call(users.owner.token, 'GET', '/notifications?pageSize=0')).body.error.details.errors[0].path).toBe('/pageSize');
    expect((await call(users.owner.token, 'POST', '/notifications/abc/read', {})).body.error.details.errors[0].path).toBe('/id');
  });

  it('emails each recipient through the email plugin (a real SMTP server); a failed email leaves the notification and says so', async () => {
    const smtp = await startSmtpSink();
    const port = Number(smtp.env.SMTP_PORT);
    const mails = () => smtp.mails.map((m) => ({ to: (m.to as any)?.text ?? '', subject: m.subject ?? '', text: (m.text ?? '').trim() }));
    const emailPlugin = app.strapi.plugin('email') as any;
    const configured = emailPlugin.provider;
    // The deployment's provider (config/plugins.ts) pointed at the test's SMTP server.
    const useSmtp = (smtpPort: number) => {
      emailPlugin.provider = nodemailerProvider.init({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }, { defaultFrom: 'crm@test.local' });
    };
    try {
      useSmtp(port);
      const customer = await createCustomer(app.strapi, { name: '周杰', ownerId: users.owner.id });
      const action = { type: 'notify' as const, to: { to: 'owner' as const }, message: { en: 'Call {{name}}', 'zh-Hans': '请致电{{name}}' }, email: true };
      await expect(notifyAction.perform(contextFor(app.strapi, customer, action))).resolves.toEqual({ status: 'done', detail: '1 notified in-app; 1 emailed' });
      expect(mails()).toEqual([{ to: 'owner@test.local', subject: 'Renewal care', text: '请致电周杰' }]);

      // Nobody listening: the email fails, the in-app notification stands.
      const closed = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      useSmtp(closed);
      const other = await createCustomer(app.strapi, { name: 'Mail test', ownerId: users.other.id });
      const outcome = await notifyAction.perform(contextFor(app.strapi, other, { ...action, message: { en: 'Hello {{name}}' } }));
      expect(outcome).toMatchObject({
        status: 'done',
        detail: expect.stringMatching(new RegExp(`^1 notified in-app; 0 emailed; email to admin user ${users.other.id} failed: `)),
      });
      expect((await call(users.other.token, 'GET', '/notifications')).body.data.map((n: any) => n.body)).toEqual(['Hello Mail test']);
      expect(mails()).toHaveLength(1);
    } finally {
      emailPlugin.provider = configured;
      await smtp.close();
    }
  });
});
