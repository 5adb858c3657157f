import { getService } from '../../../get-service';
import { DeliveryError, type ActionHandler } from './types';

/** Adds or removes a tag (source 'rule') through the tags service, so `tags.changed` is published as for any other change. */
export const tagAction: ActionHandler<'tag'> = {
  type: 'tag',
  channel: null,
  external: false,
  async render({ action }) {
    return { summary: `${action.op === 'add' ? 'Add' : 'Remove'} tag ${action.tagId}`, payload: { op: action.op, tagId: action.tagId } };
  },
  async perform({ strapi, action, customer, now }) {
    const result = await getService(strapi, 'tags').applyForAutomation(customer.id, action.tagId, action.op, now);
    if (!result) throw new DeliveryError(`tag ${action.tagId} does not exist`, false);
    return { status: 'done', detail: result.changed ? action.op : 'unchanged' };
  },
};
