import type { Core } from '@strapi/strapi';
import type { Action } from '../../plugins/client-insights/shared/contracts/automation-definition';
import type { ActionContext, ActionCustomer } from '../../plugins/client-insights/server/src/modules/automation/actions/types';

/** A customer written through the Document Service (so encrypted as in production), as an action sees it. */
export const createCustomer = async (
  strapi: Core.Strapi,
  data: { name: string; phone?: string; email?: string; ownerId?: number },
  locale: ActionCustomer['locale'] = 'en'
): Promise<ActionCustomer> => {
  const doc: any = await strapi.documents('api::customer.customer').create({
    data: {
      name: data.name,
      stage: 'signed',
      ...(data.phone ? { phone: data.phone } : {}),
      ...(data.email ? { email: data.email } : {}),
      ...(data.ownerId ? { owner: { connect: [{ id: data.ownerId }] } } : {}),
    } as any,
  });
  return {
    id: Number(doc.id),
    documentId: doc.documentId,
    name: data.name,
    email: data.email ?? null,
    phone: data.phone ?? null,
    locale,
    timezone: 'Asia/Shanghai',
    stage: 'signed',
    ownerId: data.ownerId ?? null,
  };
};

let step = 0;

/** A real ActionContext as the worker builds it (the worker lands in another branch). */
export const contextFor = <A extends Action>(
  strapi: Core.Strapi,
  customer: ActionCustomer,
  action: A,
  over: Partial<ActionContext<A>> = {}
): ActionContext<A> => ({
  strapi,
  knex: strapi.db.connection,
  action,
  customer,
  idemKey: `rule-doc-1:1:${customer.id}:occ-${++step}:0`,
  rule: { doc: 'rule-doc-1', version: 1, name: 'Renewal care' },
  trigger: { key: `interaction.email_open:${step}`, event: 'interaction.email_open', data: { amount: 1200, campaign: 'Spring' } },
  test: false,
  now: new Date(),
  ...over,
});
