import type { Core } from '@strapi/strapi';
import { customersApi } from '../../../../shared/contracts/customers';
import { recordAudit } from '../../core/audit/log';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { canCreateTasks } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { exportFilename } from '../exports/filename';
import { csvFormatOf } from '../segments/csv-locale';

/** The fields the follow-up tasks are written with (the caller needs the Task create permission on each). */
const TASK_FIELDS = ['title', 'kind', 'task_status', 'due_at', 'customer'];

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const customers = () => getService(strapi, 'customers');
  const tags = () => getService(strapi, 'tags');
  return {
    list: (ctx) => respond(ctx, customersApi.list, ({ query, viewer }) => customers().list(query, viewer)),
    export: (ctx) =>
      respond(ctx, customersApi.export, async ({ query, body, viewer }) => {
        const csv = await customers().exportCsv(body, viewer, csvFormatOf(query, ctx.get('accept-language')));
        getService(strapi, 'exports').refuseUnapproved(csv);
        ctx.set('content-type', 'text/csv; charset=utf-8');
        ctx.set('content-disposition', `attachment; filename="${exportFilename({ source: 'customers', filter: body })}"`);
        return csv.stream;
      }),
    followUpTasks: (ctx) =>
      respond(ctx, customersApi.followUpTasks, async ({ body, viewer }) => {
        if (!canCreateTasks(ctx, TASK_FIELDS)) throw ApiError.forbidden('creating follow-up tasks needs the permission to create Tasks (content manager)');
        return { data: await customers().createFollowUps(body.filter, viewer, body) };
      }),
    profile: (ctx) => respond(ctx, customersApi.profile, async ({ params, viewer }) => ({ data: await customers().visibleProfile(viewer, params.id) })),
    addTag: (ctx) =>
      respond(ctx, customersApi.addTag, async ({ viewer, params, body }) => ({
        data: await tags().assign(viewer, params.id, body.tagId, body.expiresAt ?? null),
      })),
    setConsent: (ctx) =>
      respond(ctx, customersApi.setConsent, async ({ viewer, params, body }) => {
        const by = viewer.kind === 'admin' ? viewer.userId : null;
        const { before, after } = await customers().setConsent(params.id, params.channel, { ...body, by });
        // The route entry has what was asked; this one the consent before and after.
        await recordAudit(strapi.db.connection, {
          actor: by === null ? { type: 'api', id: ctx.state?.auth?.credentials?.id ?? null } : { type: 'admin', id: by },
          action: 'consent.change',
          targetType: 'customers',
          targetId: String(params.id),
          ip: ctx.request?.ip ?? null,
          userAgent: ctx.get('user-agent') || null,
          details: {
            channel: params.channel,
            before: before.find((c) => c.channel === params.channel),
            after: after.find((c) => c.channel === params.channel),
          },
        });
        return { data: after };
      }),
    removeTag: (ctx) => respond(ctx, customersApi.removeTag, async ({ viewer, params }) => ({ data: await tags().unassign(viewer, params.id, params.tagId) })),
  };
};
