import { UID } from '../../../core/constants';
import { bindDate, isUniqueViolation } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { resolveAssignees } from './assignees';
import { adminLocale, renderFor } from './local-text';
import type { ActionHandler, ActionOutcome } from './types';
import { L } from '../../../../../shared/labels';

const TASK_KINDS = {
  follow_up: L('follow-up', '跟进', '跟進'),
  renewal: L('renewal', '续签', '續簽'),
  service_ticket: L('service ticket', '服务工单', '服務工單'),
  meeting: L('meeting', '面谈', '面談'),
};
const DAY_MS = 86_400_000;

/**
 * Creates a host Task (through the Document Service, so its lifecycles and the content manager
 * see it like any other) for the customer: the rule's kind and title (in the assignee's admin
 * language, the customer's variables filled in), due `dueInDays` after the step runs, assigned to
 * the customer's owner, a named admin, or the member of a role with the fewest open tasks.
 * Nobody to assign → skipped `no_assignee` (logged by the engine), nothing created. Once per
 * idempotency key: the key is written in the Task's transaction (ci_automation_task_keys), so a
 * retry after a crash answers the task already created.
 */
export const taskAction: ActionHandler<'task'> = {
  type: 'task',
  channel: null,
  external: false,
  async render(ctx) {
    const [assignee] = await resolveAssignees(ctx.strapi, ctx.action.assignee, ctx.customer.ownerId, { oneOfRole: true });
    const title = renderFor(ctx, ctx.action.title, adminLocale(assignee?.locale));
    const dueAt = new Date(ctx.now.getTime() + ctx.action.dueInDays * DAY_MS);
    return {
      summary: L(
        `Task (${ctx.action.kind}) for ${assignee ? `admin user ${assignee.id}` : 'nobody (no assignee)'}: ${title}`,
        `任务（${TASK_KINDS[ctx.action.kind]['zh-Hans']}）${assignee ? `指派给管理员 ${assignee.id}` : '，没有负责人'}：${title}`,
        `任務（${TASK_KINDS[ctx.action.kind].zh}）${assignee ? `指派給管理員 ${assignee.id}` : '，沒有負責人'}：${title}`
      ),
      subject: title,
      payload: { kind: ctx.action.kind, title, dueAt: dueAt.toISOString(), assigneeId: assignee?.id ?? null },
    };
  },
  async perform(ctx) {
    const [assignee] = await resolveAssignees(ctx.strapi, ctx.action.assignee, ctx.customer.ownerId, { oneOfRole: true });
    if (!assignee) return { status: 'skipped', reason: 'no_assignee', detail: `no active admin user for ${ctx.action.assignee.to}` };
    if (ctx.test) return { status: 'done', detail: 'test: rendered, no task created' };
    const keys = () => ctx.knex(TABLES.automationTaskKeys);
    const earlier = async (): Promise<ActionOutcome | null> => {
      const row = await keys().where({ idem_key: ctx.idemKey }).first('task_doc');
      return row ? { status: 'done', detail: `task ${row.task_doc} (created by an earlier attempt)`, externalId: row.task_doc } : null;
    };
    const before = await earlier();
    if (before) return before;
    try {
      // The key row first: a concurrent second attempt waits on its unique key, then finds the task.
      const taskDoc = await ctx.strapi.db.transaction(async ({ trx }) => {
        await trx(TABLES.automationTaskKeys).insert({ idem_key: ctx.idemKey, task_doc: '', created_at: bindDate(ctx.knex, ctx.now) });
        const task = await ctx.strapi.documents(UID.task as any).create({
          data: {
            title: renderFor(ctx, ctx.action.title, adminLocale(assignee.locale)).slice(0, 200),
            kind: ctx.action.kind,
            task_status: 'open',
            due_at: new Date(ctx.now.getTime() + ctx.action.dueInDays * DAY_MS),
            // The long form: Strapi reads a bare string that starts with a digit as a numeric id.
            customer: { connect: [{ documentId: ctx.customer.documentId }] },
            assignee: { connect: [{ id: assignee.id }] },
          } as any,
        });
        await trx(TABLES.automationTaskKeys).where({ idem_key: ctx.idemKey }).update({ task_doc: task.documentId });
        return task.documentId as string;
      });
      return { status: 'done', detail: `task ${taskDoc} for admin user ${assignee.id}`, externalId: taskDoc };
    } catch (error) {
      const repeated = isUniqueViolation(error) ? await earlier() : null;
      if (repeated) return repeated;
      throw error;
    }
  },
};
