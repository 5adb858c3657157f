import type { JobStatus } from '../hooks/useJob';

/** Shapes of the segment endpoints (server: services/segments.ts, segments/runs.ts). */
export type Segment = {
  id: number;
  documentId: string;
  key: string;
  name: string;
  description: string | null;
  type: 'dynamic' | 'static';
  rule: unknown;
  status: 'active' | 'inactive' | 'draft';
  priority: number;
  parentId: number | null;
  ownerId: number | null;
  visibility: 'private' | 'team' | 'global';
  schedule: { cron: string; timezone: string } | null;
  memberCount: number;
  lastCalculatedAt: string | null;
  currentResult?: SegmentResult | null;
};

/** A run is a job of the one job model (hooks/useJob.ts): status, phase, progress 0..1, cancel. */
export type RunStatus = JobStatus;
export type SegmentResult = {
  executionId: string;
  runId: number;
  segmentId: number;
  trigger: string;
  status: RunStatus;
  phase: string;
  /** Fraction done, 0..1. */
  progress: number;
  cancelRequested: boolean;
  createdAt: string;
  executedAt: string | null;
  finishedAt: string | null;
  executionTime: number | null;
  customerCount: number | null;
  changes: { added: number; removed: number; kept: number } | null;
  error: string | null;
};

export type TreeNode = {
  id: number;
  key: string;
  name: string;
  type: 'dynamic' | 'static';
  status: string;
  memberCount: number;
  depth: number;
  path: string[];
  children: TreeNode[];
};

export type Paged<T> = { data: T[]; meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } } };
