export type Tag = {
  id: number;
  documentId: string;
  name: string;
  slug: string;
  category: 'basic' | 'behavior' | 'value' | 'risk';
  description: string | null;
  color: string | null;
  rule: unknown | null;
  visibility: 'private' | 'team' | 'global';
  usage: number;
  lastRun: { at: string; matched: number; added: number; removed: number; durationMs: number } | null;
};
export const CATEGORIES = ['basic', 'behavior', 'value', 'risk'] as const;
