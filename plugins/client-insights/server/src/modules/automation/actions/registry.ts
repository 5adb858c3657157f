import type { ActionType } from '../../../../../shared/enums';
import { segmentAction } from './segment';
import { stageAction } from './stage';
import { tagAction } from './tag';
import type { ActionHandler } from './types';

/**
 * The handler of each action type. The engine looks handlers up here at run time, so a step whose
 * type has no handler (yet) goes to the dead letter with that reason rather than being dropped.
 */
export const ACTION_HANDLERS: { [T in ActionType]?: ActionHandler<T> } = {
  tag: tagAction,
  stage: stageAction,
  segment: segmentAction,
};

export const handlerFor = <T extends ActionType>(type: T): ActionHandler<T> | null => (ACTION_HANDLERS[type] as ActionHandler<T> | undefined) ?? null;
