import type { Knex } from 'knex';
import { matchQuery, referencedFields, referencedSegmentKeys, type CompileOptions } from '../rules/compile';
import { chooseStrategy, type StrategyChoice } from '../rules/strategy';
import { canonicalForm } from '../rules/analyse';
import type { Rule, RuleError } from '../rules/types';
import { validateRule } from '../rules/validate';

/** The slice of the rule engine (rules/) that segment execution uses. */
export type RuleEngine = {
  validateRule(rule: Rule): { valid: boolean; errors: RuleError[] };
  /** `select c.id as customer_id from customers as c where …`, optionally limited to some customers. */
  matchQuery(knex: Knex, rule: Rule, options: CompileOptions): Knex.QueryBuilder;
  /** How to run `rule` over every customer (rules/strategy.ts). */
  chooseStrategy(knex: Knex, rule: Rule, now: Date): Promise<StrategyChoice>;
  referencedSegmentKeys(rule: Rule): string[];
  /** Field paths the rule reads (`customer.stage`, `score.clv`, …). */
  referencedFields(rule: Rule): string[];
  /** Equivalent rules written differently give the same JSON (rules/analyse/canonical.ts); throws for an invalid rule. */
  canonicalForm(rule: Rule): unknown;
};

const engine: RuleEngine = { validateRule, matchQuery, chooseStrategy, referencedSegmentKeys, referencedFields, canonicalForm };

export const ruleEngine = (): RuleEngine => engine;
