import * as React from 'react';
import type { Catalogue, FieldDef, RuleWarning } from '../../../../shared/contracts/rules';
import type { Segment } from '../../../../shared/contracts/segments';
import type { Tag } from '../../../../shared/contracts/tags';
import type { Condition, Group } from './model';
import type { SubjectDrag } from './dnd';

/**
 * What every row needs and what does not change while the user types: the catalogue and stable
 * actions. Kept apart from the per-node status (below) so a keystroke re-renders only the edited
 * row and the groups on its path, not every consumer of a context whose value changed.
 */
export type BuilderContextValue = {
  catalogue: Catalogue;
  fieldByPath: Map<string, FieldDef>;
  tags: Tag[];
  segments: Segment[];
  /** Applies a tree edit to the current tree; false when it changed nothing. Stable. */
  edit: (fn: (root: Group) => Group) => boolean;
  /** Patches one node. Stable. */
  update: (id: string, patch: Partial<Condition> | Partial<Group>) => void;
  setActiveGroup: (id: string) => void;
  addSubject: (drag: SubjectDrag, groupId?: string, index?: number) => void;
  /** Announces a change to screen readers (keyboard moves). */
  announce: (message: string) => void;
};

/** Validation errors and warnings by node id, and the group new conditions go to; the same object while its content is the same. */
export type BuilderStatus = {
  errors: Map<string, string[]>;
  warnings: Map<string, RuleWarning[]>;
  /** The group the keyboard "add" puts new conditions into. */
  activeGroup: string;
};

export const BuilderContext = React.createContext<BuilderContextValue | null>(null);
export const BuilderStatusContext = React.createContext<BuilderStatus | null>(null);

export const useBuilder = () => {
  const value = React.useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside RuleBuilder');
  return value;
};

export const useBuilderStatus = () => {
  const value = React.useContext(BuilderStatusContext);
  if (!value) throw new Error('useBuilderStatus outside RuleBuilder');
  return value;
};

export const NO_MESSAGES: string[] = [];
export const NO_WARNINGS: RuleWarning[] = [];
