/**
 * The contract between the rule modules (see ../shared/RULES.md).
 * validate → compile (SQL) / evaluate (JS) / analyse; preview and materialise only call these.
 */

/** A JSON-Logic expression as stored in Segment.rule, Tag.rule and automation conditions. */
export type Rule = unknown;

export type FieldType = 'string' | 'number' | 'enum' | 'datetime';
export type FieldGroup = 'customer' | 'metrics' | 'score';
export type Labels = { en: string; 'zh-Hans': string; zh: string };

export type FieldDef = {
  /** e.g. "metrics.total_spent": what `{"var": ...}` reads. */
  path: string;
  group: FieldGroup;
  type: FieldType;
  labels: Labels;
  operators: string[];
  enumValues?: string[];
  /** Contact data: masked for roles without the sensitive-view permission. */
  sensitive?: boolean;
  /** Whole numbers only (literals must be integers too). */
  integer?: boolean;
  /** A count or sum: 0, never null, when there is nothing to count (no metrics row). */
  count?: boolean;
};

export type OperatorDef = {
  name: string;
  labels: Labels;
  /** Short description of the argument form, e.g. `{"event_count": [type, days|null]}`. */
  form: string;
  returns: 'boolean' | 'number';
};

export type RuleLimits = { maxDepth: number; maxNodes: number; maxListLength: number };
export const DEFAULT_LIMITS: RuleLimits = { maxDepth: 16, maxNodes: 500, maxListLength: 10_000 };

/** `path` is a JSON pointer into the rule, e.g. "/and/1/>=/0". */
export type RuleError = { path: string; message: string };

export type WarningKind = 'contradiction' | 'always_true' | 'duplicate' | 'empty';
export type RuleWarning = { path: string; kind: WarningKind; message: string; suggestion?: string; conditions?: string[] };

export type ValidationResult = { valid: true; errors: [] } | { valid: false; errors: RuleError[] };

/** One instant for a whole preview or run (RULES.md "Now"). */
export type EvalContext = { now: Date };

/**
 * Everything the JS evaluator needs to decide for one customer (loaded by rules/facts.ts).
 * Datetimes are Date objects or null; counts are numbers.
 */
export type CustomerFacts = {
  customer: Record<string, unknown>;
  metrics: Record<string, unknown>;
  score: Record<string, unknown>;
  /** Slugs of unexpired tags. */
  tags: string[];
  /** Keys of the segments whose current membership holds the customer. */
  segments: string[];
  events: Array<{ type: string; occurred_at: Date }>;
  orders: Array<{ amount: number; status: string; kind: string; ordered_at: Date }>;
};
