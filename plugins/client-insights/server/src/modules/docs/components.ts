import type { ZodLazy, ZodTypeAny } from 'zod';
import { customerRowSchema, profileSchema } from '../../../../shared/contracts/customers';
import { paginationSchema } from '../../../../shared/contracts/http';
import {
  catalogueSchema,
  labelsSchema,
  previewRequestSchema,
  previewResultSchema,
  ruleRequestSchema,
  ruleWarningSchema,
} from '../../../../shared/contracts/rules';
import {
  createSegmentSchema,
  memberSchema,
  segmentDetailSchema,
  segmentResultSchema,
  segmentSchema,
  treeNodeSchema,
  updateSegmentSchema,
} from '../../../../shared/contracts/segments';
import { createTagSchema, tagSchema, updateTagSchema } from '../../../../shared/contracts/tags';
import { clvBasisSchema, customerValueScoreSchema, jobSchema as valueJobSchema, valueConfigSchema } from '../../../../shared/contracts/values';
import { jobSchema } from '../../../../shared/contracts/jobs';
import { approvalSchema } from '../../../../shared/contracts/approvals';
import { exportJobSchema, exportRequestSchema } from '../../../../shared/contracts/exports';
import { stepSchema } from '../../../../shared/contracts/automation-definition';
import { errorEnvelopeSchema } from '../../../../shared/errors';

/**
 * Contract schemas the document names once (`#/components/schemas/<name>`) and refers to wherever
 * they appear whole; the others are written inline. A unit test checks each name is used.
 */
export const NAMED: Record<string, ZodTypeAny> = {
  ErrorEnvelope: errorEnvelopeSchema,
  Pagination: paginationSchema,
  Labels: labelsSchema,
  CustomerRow: customerRowSchema,
  CustomerProfile: profileSchema,
  RuleCatalogue: catalogueSchema,
  RuleRequest: ruleRequestSchema,
  PreviewRequest: previewRequestSchema,
  RuleWarning: ruleWarningSchema,
  RulePreview: previewResultSchema,
  Segment: segmentSchema,
  SegmentDetail: segmentDetailSchema,
  SegmentResult: segmentResultSchema,
  SegmentMember: memberSchema,
  CreateSegment: createSegmentSchema,
  UpdateSegment: updateSegmentSchema,
  Tag: tagSchema,
  CreateTag: createTagSchema,
  UpdateTag: updateTagSchema,
  Job: jobSchema,
  ValueJob: valueJobSchema,
  ExportJob: exportJobSchema,
  ExportRequest: exportRequestSchema,
  Approval: approvalSchema,
  ValueConfig: valueConfigSchema,
  CustomerValueScore: customerValueScoreSchema,
  ClvBasis: clvBasisSchema,
};

/**
 * Recursive contract schemas (z.lazy), which zod-to-openapi 7 cannot follow. Each is marked, on
 * the instance the contracts use (zod ignores the field), as a reference to its component, whose
 * body document.ts generates from the lazy schema's object.
 */
export const RECURSIVE: Record<string, ZodLazy<ZodTypeAny>> = {
  SegmentTreeNode: treeNodeSchema as unknown as ZodLazy<ZodTypeAny>,
  AutomationStep: stepSchema as unknown as ZodLazy<ZodTypeAny>,
};

for (const [name, lazy] of Object.entries(RECURSIVE)) lazy._def.openapi = { _internal: { refId: name }, metadata: { type: 'object' } };
