import * as React from 'react';
import type { Catalogue } from '../../../../shared/contracts/rules';
import type { Segment } from '../../../../shared/contracts/segments';
import type { Tag } from '../../../../shared/contracts/tags';
import type { Group } from './model';
import type { SubjectDrag } from './dnd';

export type BuilderContextValue = {
  root: Group;
  setRoot: (next: Group) => void;
  catalogue: Catalogue;
  tags: Tag[];
  segments: Segment[];
  /** The group the keyboard "add" puts new conditions into. */
  activeGroup: string;
  setActiveGroup: (id: string) => void;
  addSubject: (drag: SubjectDrag, groupId?: string, index?: number) => void;
  /** Validation errors and warnings by node id. */
  errors: Map<string, string[]>;
  warnings: Map<string, string[]>;
  /** Announces a change to screen readers (keyboard moves). */
  announce: (message: string) => void;
};

export const BuilderContext = React.createContext<BuilderContextValue | null>(null);

export const useBuilder = () => {
  const value = React.useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside RuleBuilder');
  return value;
};
