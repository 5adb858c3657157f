/** Value sets both sides name: request schemas, response types, the catalogue and the admin's pickers and labels. */
export const STAGES = ['consultation', 'application', 'signed', 'in_service', 'churned'] as const;
export const EDUCATION_LEVELS = ['high_school', 'bachelor', 'master', 'doctorate', 'other'] as const;
export const LEAD_SOURCES = ['website', 'referral', 'event', 'advertising', 'partner', 'other'] as const;

export const TAG_CATEGORIES = ['basic', 'behavior', 'value', 'risk'] as const;
/** How a customer got a tag. */
export const TAG_SOURCES = ['manual', 'rule', 'api', 'import'] as const;
/** The sources an integrator may record when it applies a tag (`rule` belongs to auto rules, whose runs remove what no longer matches). */
export const TAG_APPLY_SOURCES = ['api', 'import', 'manual'] as const;
export const VISIBILITIES = ['private', 'team', 'global'] as const;

export const SEGMENT_TYPES = ['dynamic', 'static'] as const;
export const SEGMENT_STATUSES = ['active', 'inactive', 'draft'] as const;
/**
 * The one job model (server: core/jobs/status.ts) of every long task: segment runs
 * (ci_segment_runs) and tracked jobs (ci_jobs) such as value refreshes report these statuses, a
 * phase word of their kind, progress as a fraction 0..1, and whether a cancel was requested.
 */
export const JOB_STATUSES = ['queued', 'running', 'success', 'partial', 'failed', 'cancelled'] as const;

/** Why a run or job did not succeed, stable for API clients (its `error` says it in words). */
export const JOB_ERROR_CODES = ['timeout', 'cancelled', 'invalid_rule', 'refused', 'internal'] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

/** Statuses of a job still to finish (what recovery, "one at a time" and the admin's polling look at). */
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly (typeof JOB_STATUSES)[number][];
export const isActiveJob = (status: string) => (ACTIVE_JOB_STATUSES as readonly string[]).includes(status);

/** What started a segment run; `values`: a value refresh changed the score.* fields its rule reads. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'create', 'snapshot', 'api', 'values'] as const;
/** Phases of a segment run (segments/materialise.ts), in order. */
export const RUN_PHASES = ['queued', 'matching', 'diffing', 'statistics', 'swapping', 'done'] as const;

/** Phases every tracked job (ci_jobs) reports around its kind's own: not started, started, finished with success. */
export const TRACKER_PHASES = ['queued', 'starting', 'done'] as const;
/** Phases of a value refresh (values/refresh.ts), in order. */
export const REFRESH_PHASES = ['rfm', 'clv', 'propensity', 'scores', 'publish'] as const;
/** What a value-recalculation job's phase may be. */
export const VALUE_JOB_PHASES = [...TRACKER_PHASES, ...REFRESH_PHASES] as const;
/** Phases of a tag's auto-rule run (tags/rule-run.ts), in order. */
export const TAG_RULE_PHASES = [...TRACKER_PHASES, 'matching', 'assigning'] as const;
/** What started an application of a tag's auto rule (tags/auto-log.ts): customers' data changed, the schedule, a user. */
export const TAG_RULE_TRIGGERS = ['data-change', 'schedule', 'manual'] as const;
/** Phases of an export (exports/), in order: counting the rows, writing the file. */
export const EXPORT_PHASES = [...TRACKER_PHASES, 'counting', 'writing'] as const;
/** Kinds of tracked job (ci_jobs.kind). */
/** Re-encryption of customer contact data under the current key (server core/security/reencrypt.ts). */
export const REENCRYPT_PHASES = [...TRACKER_PHASES, 'encrypting'] as const;
/** A sync run's phases: preparing the destination, then one per kind of rows (modules/sync). */
export const SYNC_PHASES = [...TRACKER_PHASES, 'preparing', 'sending_scores', 'sending_tags', 'sending_members'] as const;

export const JOB_KINDS = ['values.refresh', 'tags.rule', 'export', 'fields.reencrypt', 'sync'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A run's membership changes: who entered, who left, who stayed. */
export const MEMBER_CHANGES = ['added', 'removed', 'kept'] as const;

export const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost'] as const;
export const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'] as const;
/** Follow-up tasks are created in bulk (one per customer of a list or a value card) for at most this many customers at a time. */
export const BULK_TASKS_MAX = 500;

/**
 * The value page's strategy cards: one per RFM segment and one per quadrant (values/cards.ts).
 * Each card's suggested strategy is a code; its words live in the admin's translations
 * (`values.strategy.<code>`) and, for the value-score endpoint, in values/suggestions.ts (a test
 * keeps the two equal).
 */
export const VALUE_CARD_KINDS = ['rfmSegment', 'quadrant'] as const;
export const VALUE_STRATEGIES = [
  'premium_and_referral',
  'renew_early',
  'tailored_plan',
  'onboard_for_second_purchase',
  'personal_win_back',
  'low_cost_reengagement',
  'protect_relationship',
  'nurture_frequency',
  'low_cost_reactivation',
  'resolve_then_win_back',
] as const;
/** A quadrant in one value run, or `none`: not scored in that run (the migration matrix). */
export const QUADRANTS_OR_NONE = [...QUADRANTS, 'none'] as const;

export const WARNING_KINDS = ['contradiction', 'always_true', 'duplicate', 'empty'] as const;
/** What a warning says, for the admin to word in the user's language from its `params` (`kind` is its family). */
export const WARNING_CODES = ['contradiction.pair', 'contradiction.single', 'always_true.pair', 'always_true.single', 'duplicate', 'empty'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;

export type Stage = (typeof STAGES)[number];
export type TagCategory = (typeof TAG_CATEGORIES)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type JobStatus = (typeof JOB_STATUSES)[number];
export type Quadrant = (typeof QUADRANTS)[number];
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export type ValueCardKind = (typeof VALUE_CARD_KINDS)[number];
export type ValueStrategy = (typeof VALUE_STRATEGIES)[number];

/**
 * Maker-checker approvals (server: modules/approvals): what kind of work waits for a second user.
 * `export` now; automation adds its kind here, an approve action (permissions.ts) and an executor.
 */
export const APPROVAL_KINDS = ['export', 'automation'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
/** pending → approved → executed (or failed: the approved work could not start) | rejected | expired | cancelled. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'executed', 'failed', 'rejected', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
/** The longest reason or decision comment kept (characters). */
export const APPROVAL_TEXT_MAX = 1000;

/**
 * Channels a customer consents to be contacted on (kept per customer: modules/customers/consent.ts;
 * automation asks `mayContact` before it sends). The delivery channels of the design document
 * (email, SMS) plus phone calls and push messages; a channel without a recorded grant is not allowed.
 */
export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'push'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/**
 * Automation (server: modules/automation). A rule is authored as a draft, sent for approval when
 * it is high-risk, then runs while `active`; `paused` stops new occurrences and holds waiting steps.
 */
export const AUTOMATION_STATUSES = ['draft', 'pending_approval', 'active', 'paused'] as const;
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/** The interaction types customers generate (the host's Interaction.type, docs/rules.md). */
export const INTERACTION_TYPES = [
  'email_sent',
  'email_open',
  'email_click',
  'event_signup',
  'event_checkin',
  'meeting_scheduled',
  'meeting_attended',
  'form_submitted',
  'website_visit',
  'complaint',
  'referral',
  'negative_feedback',
  'follow_up',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** Events the system itself records about a customer. */
export const SYSTEM_EVENTS = ['segment.enter', 'segment.exit', 'tag.applied', 'tag.removed', 'stage.changed', 'order.paid', 'quadrant.changed'] as const;
export type SystemEvent = (typeof SYSTEM_EVENTS)[number];

/** Every event an automation trigger can listen to: `interaction.<type>` or a system event. */
export const AUTOMATION_EVENTS = [
  'interaction.email_sent',
  'interaction.email_open',
  'interaction.email_click',
  'interaction.event_signup',
  'interaction.event_checkin',
  'interaction.meeting_scheduled',
  'interaction.meeting_attended',
  'interaction.form_submitted',
  'interaction.website_visit',
  'interaction.complaint',
  'interaction.referral',
  'interaction.negative_feedback',
  'interaction.follow_up',
  'segment.enter',
  'segment.exit',
  'tag.applied',
  'tag.removed',
  'stage.changed',
  'order.paid',
  'quadrant.changed',
] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

export const TRIGGER_TYPES = ['event', 'absence', 'date', 'inactivity', 'schedule', 'manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const ACTION_TYPES = ['email', 'sms', 'push', 'webhook', 'task', 'notify', 'tag', 'stage', 'segment'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Channels whose sends are capped per customer per day and need consent. */
export const DELIVERY_CHANNELS = ['email', 'sms', 'push'] as const satisfies readonly ConsentChannel[];
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/**
 * An outbox row: `pending` (due at due_at), `claimed` by a worker until claimed_until, then
 * `done`, `skipped` (a guard rail said no; the reason is logged), `dead` (attempts exhausted or a
 * permanent failure; retryable by hand) or `cancelled` (exit/goal reached, rule deleted).
 */
export const OUTBOX_STATUSES = ['pending', 'claimed', 'done', 'skipped', 'dead', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** What one automation log line says happened to one step for one customer. */
export const AUTOMATION_LOG_STATUSES = ['triggered', 'sent', 'done', 'skipped', 'retrying', 'failed', 'dead', 'test', 'exited'] as const;
export type AutomationLogStatus = (typeof AUTOMATION_LOG_STATUSES)[number];

/** Why a step did not run: logged, never silent. */
export const SKIP_REASONS = [
  'condition_false',
  'reentry',
  'frequency_cap',
  'no_consent',
  'unsubscribed',
  'churned',
  'no_address',
  'exit_condition',
  'goal_reached',
  'rule_paused',
  'rule_deleted',
  'circuit_open',
  'customer_missing',
  /** A task's assignee could not be found: the customer has no owner, the named user or every member of the role is gone or inactive. */
  'no_assignee',
  /** The customer is in the holdout of the campaign the action sends for (Campaign.holdout_percent). */
  'campaign_holdout',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** How a segment version was written (segment history): the plugin's routes, the content manager, REST, GraphQL, a restore, the system (no request), or the state found before any version was kept. */
export const VERSION_SOURCES = ['plugin', 'content-manager', 'rest', 'graphql', 'restore', 'system', 'backfill', 'other'] as const;
/** The settings a segment version compares (its rule is compared apart, condition by condition). */
export const VERSION_FIELDS = ['name', 'key', 'description', 'type', 'status', 'priority', 'parent', 'schedule', 'timezone', 'visibility'] as const;
