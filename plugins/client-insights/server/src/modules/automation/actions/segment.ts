import { getService } from '../../../get-service';
import { DeliveryError, type ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

/** Adds the customer to a static segment through the segments service; a dynamic segment is refused (its rule decides). */
export const segmentAction: ActionHandler<'segment'> = {
  type: 'segment',
  channel: null,
  external: false,
  async render({ action }) {
    const id = action.segmentId;
    return { summary: L(`Add to static segment ${id}`, `加入静态分群 ${id}`, `加入靜態分群 ${id}`), payload: { segmentId: id } };
  },
  async perform({ strapi, action, customer, now }) {
    const result = await getService(strapi, 'segments').addToStatic(action.segmentId, customer.id, now);
    if (result === 'not_static') throw new DeliveryError(`segment ${action.segmentId} is dynamic: its rule decides its members`, false);
    if (result === 'missing') throw new DeliveryError(`segment ${action.segmentId} does not exist or has no membership yet`, false);
    return { status: 'done', detail: result === 'added' ? 'added' : 'unchanged' };
  },
};
