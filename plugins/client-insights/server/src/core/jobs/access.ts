import type { JobKind } from '../../../../shared/enums';
import type { ActionUid } from '../../../../shared/permissions';
import { can, type Viewer } from '../http/viewer';
import type { JobRecord } from './tracker';

/** The action that starts each kind of job; reading or cancelling one needs the same. */
const START_ACTION: Record<JobKind, ActionUid> = {
  'values.refresh': 'models.manage',
  'tags.rule': 'tags.manage',
  export: 'export',
  // Started by the system or `npm run crypto:reencrypt`; its progress shows counts only, to those who may read contact data.
  'fields.reencrypt': 'sensitive.view',
  sync: 'sync.manage',
};

/** Kinds whose jobs belong to the user who asked: an export holds data chosen under that user's rights. */
const PERSONAL: ReadonlySet<JobKind> = new Set(['export']);

/**
 * Whether the caller may see job `job`. A job they may not see is answered as unknown (404), so
 * its existence is not disclosed.
 */
export const maySee = (ctx: any, viewer: Viewer, job: JobRecord) => {
  if (!can(ctx, START_ACTION[job.kind])) return false;
  return !PERSONAL.has(job.kind) || (viewer.kind === 'admin' && job.requestedBy === viewer.userId);
};
