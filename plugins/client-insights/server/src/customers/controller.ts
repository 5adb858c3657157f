import type { Core } from '@strapi/strapi';
import { permission } from '../constants';
import { handle } from '../tags/controller';
import { TagApiError } from '../tags/service';
import { getService } from '../utils/get-service';
import { assignTagSchema, listQuerySchema } from './schemas';

/** Whether the calling admin may see contact data unmasked. */
const canSeeSensitive = (ctx: any): boolean => Boolean(ctx.state?.userAbility?.can?.(permission('sensitive.view')));

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
      await handle(ctx, async () => customers().list(listQuerySchema.parse(ctx.query ?? {}), canSeeSensitive(ctx)));
      if (ctx.status === 200) ctx.body = ctx.body.data;
    },
    profile: (ctx) => handle(ctx, () => customers().profile(idParam(ctx, 'id'), canSeeSensitive(ctx))),
    addTag: (ctx) =>
      handle(ctx, async () => {
        const body = assignTagSchema.parse(ctx.request.body ?? {});
        return tags().assign(idParam(ctx, 'id'), body.tagId, body.expiresAt ?? null);
      }),
    removeTag: (ctx) => handle(ctx, async () => tags().unassign(idParam(ctx, 'id'), idParam(ctx, 'tagId'))),
  };
};
