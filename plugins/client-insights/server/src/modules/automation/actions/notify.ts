import { getService } from '../../../get-service';
import { resolveAssignees, type AdminRecipient } from './assignees';
import { adminLocale, renderFor } from './local-text';
import type { ActionContext, ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

type NotifyContext = ActionContext<Extract<ActionContext['action'], { type: 'notify' }>>;

/** The admin page the notification opens: the customer's profile in the plugin. */
const customerLink = (customerId: number) => `/plugins/client-insights/customers/${customerId}`;

const message = (ctx: NotifyContext, user: AdminRecipient) => ({
  title: ctx.rule.name,
  body: renderFor(ctx, ctx.action.message, adminLocale(user.locale)),
});

/** The test recipient ("send a test to me") or the rule's recipients. */
const recipients = async (ctx: NotifyContext): Promise<AdminRecipient[]> =>
  ctx.testRecipient
    ? [{ id: ctx.testRecipient.userId, email: ctx.testRecipient.email, locale: null }]
    : resolveAssignees(ctx.strapi, ctx.action.to, ctx.customer.ownerId);

/**
 * An in-app notification (notifications module) to each recipient: the owner, a named admin, or
 * every active member of a role; and, when `email` is set, an email to each through Strapi's
 * email plugin. The in-app notification is written first and stands if the email fails (the
 * outcome's detail says so). A retry writes nothing twice: the notification's key is the
 * idempotency key, and a user already notified gets no second email.
 */
export const notifyAction: ActionHandler<'notify'> = {
  type: 'notify',
  channel: null,
  external: false,
  async render(ctx) {
    const users = await recipients(ctx);
    const first = users[0];
    return {
      summary: users.length
        ? L(
            `Notify ${users.map((u) => `admin user ${u.id}`).join(', ')}${ctx.action.email ? ' (and email)' : ''}`,
            `通知管理员 ${users.map((u) => u.id).join('、')}${ctx.action.email ? '（并发送邮件）' : ''}`,
            `通知管理員 ${users.map((u) => u.id).join('、')}${ctx.action.email ? '（並寄送郵件）' : ''}`
          )
        : L('Notify nobody (no recipient)', '通知：没有接收人', '通知：沒有接收人'),
      subject: ctx.rule.name,
      text: first ? message(ctx, first).body : renderFor(ctx, ctx.action.message, 'en'),
    };
  },
  async perform(ctx) {
    const users = await recipients(ctx);
    if (!users.length) return { status: 'skipped', reason: 'no_assignee', detail: `no active admin user for ${ctx.action.to.to}` };
    if (ctx.test && !ctx.testRecipient) return { status: 'done', detail: 'test: rendered, nobody notified' };
    const notifications = getService(ctx.strapi, 'notifications');
    const emailFailures: string[] = [];
    let written = 0;
    let emailed = 0;
    for (const user of users) {
      const { title, body } = message(ctx, user);
      const fresh = await notifications.add(
        { userId: user.id, title, body, customerId: ctx.customer.id, ruleDoc: ctx.rule.doc, link: customerLink(ctx.customer.id), idemKey: ctx.idemKey },
        ctx.now
      );
      if (!fresh) continue;
      written += 1;
      if (!ctx.action.email) continue;
      if (!user.email) {
        emailFailures.push(`admin user ${user.id} has no email`);
        continue;
      }
      try {
        await ctx.strapi.plugin('email').service('email').send({ to: user.email, subject: title, text: body });
        emailed += 1;
      } catch (error) {
        emailFailures.push(`email to admin user ${user.id} failed: ${(error as Error)?.message ?? 'unknown error'}`.slice(0, 300));
      }
    }
    const parts = [`${written} notified in-app`];
    if (ctx.action.email) parts.push(`${emailed} emailed`);
    return { status: 'done', detail: [...parts, ...emailFailures].join('; ').slice(0, 900) };
  },
};
