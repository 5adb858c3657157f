/** Value sets both sides name: request schemas, response types, the catalogue and the admin's pickers and labels. */
export const STAGES = ['consultation', 'application', 'signed', 'in_service', 'churned'] as const;
export const EDUCATION_LEVELS = ['high_school', 'bachelor', 'master', 'doctorate', 'other'] as const;
export const LEAD_SOURCES = ['website', 'referral', 'event', 'advertising', 'partner', 'other'] as const;

export const TAG_CATEGORIES = ['basic', 'behavior', 'value', 'risk'] as const;
/** How a customer got a tag. */
export const TAG_SOURCES = ['manual', 'rule'] as const;
export const VISIBILITIES = ['private', 'team', 'global'] as const;

export const SEGMENT_TYPES = ['dynamic', 'static'] as const;
export const SEGMENT_STATUSES = ['active', 'inactive', 'draft'] as const;
/** A segment run (ci_segment_runs). */
export const RUN_STATUSES = ['queued', 'running', 'success', 'partial', 'failed'] as const;
export const RUN_TRIGGERS = ['manual', 'schedule', 'create', 'snapshot', 'api'] as const;
export const RUN_PHASES = ['queued', 'matching', 'diffing', 'statistics', 'swapping', 'done'] as const;
/** A run's membership changes: who entered, who left, who stayed. */
export const MEMBER_CHANGES = ['added', 'removed', 'kept'] as const;

/** A tracked background job (ci_jobs), e.g. a value-model recalculation. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost'] as const;
export const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'] as const;
/** A quadrant in one value run, or `none`: not scored in that run (the migration matrix). */
export const QUADRANTS_OR_NONE = [...QUADRANTS, 'none'] as const;

export const WARNING_KINDS = ['contradiction', 'always_true', 'duplicate', 'empty'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;

export type Stage = (typeof STAGES)[number];
export type TagCategory = (typeof TAG_CATEGORIES)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type JobStatus = (typeof JOB_STATUSES)[number];
export type Quadrant = (typeof QUADRANTS)[number];
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
