import type { ActionType } from '../../../../../shared/enums';
import { emailAction } from './email';
import { notifyAction } from './notify';
import { pushAction } from './push';
import { segmentAction } from './segment';
import { smsAction } from './sms';
import { stageAction } from './stage';
import { tagAction } from './tag';
import { taskAction } from './task';
import type { ActionHandler } from './types';
import { webhookAction } from './webhook';

/**
 * The handler of each action type. The engine looks handlers up here at run time, so a step whose
 * type has no handler goes to the dead letter with that reason rather than being dropped.
 */
export const ACTION_HANDLERS: { [T in ActionType]?: ActionHandler<T> } = {
  email: emailAction,
  sms: smsAction,
  push: pushAction,
  webhook: webhookAction,
  task: taskAction,
  notify: notifyAction,
  tag: tagAction,
  stage: stageAction,
  segment: segmentAction,
};

export const handlerFor = <T extends ActionType>(type: T): ActionHandler<T> | null => (ACTION_HANDLERS[type] as ActionHandler<T> | undefined) ?? null;
