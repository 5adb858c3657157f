import { getService } from '../../../get-service';
import { DeliveryError, type ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

/** Adds or removes a tag (source 'rule') through the tags service, so `tags.changed` is published as for any other change. */
export const tagAction: ActionHandler<'tag'> = {
  type: 'tag',
  channel: null,
  external: false,
  async render({ action }) {
    const id = action.tagId;
    const summary = action.op === 'add' ? L(`Add tag ${id}`, `添加标签 ${id}`, `新增標籤 ${id}`) : L(`Remove tag ${id}`, `移除标签 ${id}`, `移除標籤 ${id}`);
    return { summary, payload: { op: action.op, tagId: id } };
  },
  async perform({ strapi, action, customer, now }) {
    const result = await getService(strapi, 'tags').applyForAutomation(customer.id, action.tagId, action.op, now);
    if (!result) throw new DeliveryError(`tag ${action.tagId} does not exist`, false);
    return { status: 'done', detail: result.changed ? action.op : 'unchanged' };
  },
};
