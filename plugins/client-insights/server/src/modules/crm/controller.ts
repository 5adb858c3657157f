import type { Core } from '@strapi/strapi';
import { crmApi } from '../../../../shared/contracts/crm';
import { respond } from '../../core/http/respond';
import { CREATED, crmOperations } from './operations';

/** `/api/crm/…`: each action is its own content-API scope, `plugin::client-insights.crm.<action>`. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const ops = crmOperations(strapi);
  const handle =
    <K extends keyof typeof crmApi>(name: K) =>
    (ctx: any) =>
      respond(ctx, crmApi[name], ops[name] as any, CREATED[name] ?? 200);
  return {
    customerProfile: handle('customerProfile'),
    createTags: handle('createTags'),
    updateTag: handle('updateTag'),
    deleteTag: handle('deleteTag'),
    applyTag: handle('applyTag'),
  };
};
