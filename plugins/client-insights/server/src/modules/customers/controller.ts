import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { handle } from '../tags/controller';
import { zodErrors } from '../tags/schemas';
import { TagApiError } from '../tags/service';
import { getService } from '../../get-service';
import { seesContact } from './mask';
import { assignTagSchema, exportBodySchema, followUpBodySchema, listQuerySchema } from './schemas';


/**
 * Whether the calling admin may create the follow-up tasks: the Task content type's own
 * content-manager permission, on every field the tasks are written with.
 */
const TASK_FIELDS = ['title', 'kind', 'task_status', 'due_at', 'customer'];
const canCreateTasks = (ctx: any): boolean =>
  TASK_FIELDS.every((field) => Boolean(ctx.state?.userAbility?.can?.('plugin::content-manager.explorer.create', UID.task, field)));

const idParam = (ctx: any, name: string) => {
  const id = Number(ctx.params[name]);
  if (!Number.isInteger(id) || id <= 0) throw new TagApiError(400, `"${ctx.params[name]}" is not an id`, [{ path: `/${name}`, message: 'a positive integer id' }]);
  return id;
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const customers = () => getService(strapi, 'customers');
  const tags = () => getService(strapi, 'tags');
  return {
    async list(ctx) {
      // The list answers { data, meta } itself; unwrap handle's { data } envelope.
      await handle(ctx, async () => customers().list(listQuerySchema.parse(ctx.query ?? {}), seesContact(ctx)));
      if (ctx.status === 200) ctx.body = ctx.body.data;
    },
    async export(ctx) {
      const filter = exportBodySchema.safeParse(ctx.request.body ?? {});
      if (!filter.success) {
        ctx.status = 400;
        ctx.body = { errors: zodErrors(filter.error) };
        return;
      }
      const stream = await customers().exportCsv(filter.data, seesContact(ctx));
      ctx.set('content-type', 'text/csv; charset=utf-8');
      ctx.set('content-disposition', 'attachment; filename="customers.csv"');
      ctx.body = stream;
    },
    followUpTasks: (ctx) =>
      handle(ctx, async () => {
        if (!canCreateTasks(ctx)) throw new TagApiError(403, 'creating follow-up tasks needs the permission to create Tasks (content manager)');
        const body = followUpBodySchema.parse(ctx.request.body ?? {});
        return customers().createFollowUps(body.filter, seesContact(ctx), body);
      }),
    profile: (ctx) => handle(ctx, () => customers().profile(idParam(ctx, 'id'), seesContact(ctx))),
    addTag: (ctx) =>
      handle(ctx, async () => {
        const body = assignTagSchema.parse(ctx.request.body ?? {});
        return tags().assign(idParam(ctx, 'id'), body.tagId, body.expiresAt ?? null);
      }),
    removeTag: (ctx) => handle(ctx, async () => tags().unassign(idParam(ctx, 'id'), idParam(ctx, 'tagId'))),
  };
};
