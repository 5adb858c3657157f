import { UID } from '../../../core/constants';
import type { ActionHandler } from './types';

/** Moves the customer to a stage through the Document Service, so lifecycles (metrics, segments, audit) run as for an edit. */
export const stageAction: ActionHandler<'stage'> = {
  type: 'stage',
  channel: null,
  external: false,
  async render({ action, customer }) {
    return { summary: `Stage ${customer.stage ?? '—'} → ${action.stage}`, payload: { stage: action.stage } };
  },
  async perform({ strapi, action, customer }) {
    if (customer.stage === action.stage) return { status: 'done', detail: 'unchanged' };
    await strapi.documents(UID.customer as any).update({ documentId: customer.documentId, data: { stage: action.stage } as any });
    return { status: 'done', detail: action.stage };
  },
};
