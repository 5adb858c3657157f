/**
 * The contract between the rule modules (docs/rules.md).
 * validate → compile (SQL) / evaluate (JS) / analyse; preview and materialise only call these.
 */
import type { FieldError } from '../../../../shared/errors';
import type { RuleLimits } from '../../../../shared/contracts/rules';

/** A JSON-Logic expression as stored in Segment.rule, Tag.rule and automation conditions. */
export type Rule = unknown;

/** The catalogue's and the answers' shapes are the API contract's (shared/contracts/rules.ts). */
export type { FieldDef, OperatorDef, RuleLimits, RuleWarning } from '../../../../shared/contracts/rules';

export const DEFAULT_LIMITS: RuleLimits = { maxDepth: 16, maxNodes: 500, maxListLength: 10_000 };

/** `path` is a JSON pointer into the rule, e.g. "/and/1/>=/0". */
export type RuleError = FieldError;

export type ValidationResult = { valid: true; errors: [] } | { valid: false; errors: RuleError[] };

/** One instant for a whole preview or run (docs/rules.md "Now"). */
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
