import type { Core } from '@strapi/strapi';
import type { ApprovalKind } from '../../../../shared/enums';
import { getService } from '../../get-service';
import type { ApprovalRecord } from './record';
import type { Requester } from './requester';

/**
 * What runs once a request of each kind is approved: the work, on behalf of the requester,
 * answering the tracked job it started. It throws an ApiError when the work cannot start (the
 * request is then `failed` with that message). Automation adds its kind here.
 */
export type ApprovalExecutor = (strapi: Core.Strapi, approval: ApprovalRecord, requester: Requester) => Promise<{ jobId: number | null }>;

export const EXECUTORS: Record<ApprovalKind, ApprovalExecutor> = {
  export: (strapi, approval, requester) => getService(strapi, 'exports').startApproved(approval.payload, requester),
  // Activates exactly the definition that was approved, as a version approved by the decider.
  automation: async (strapi, approval) => ({ jobId: (await getService(strapi, 'automation').activateApproved(approval)).jobId }),
};
