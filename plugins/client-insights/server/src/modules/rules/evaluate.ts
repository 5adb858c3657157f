/**
 * Rule → true/false for one customer, with json-logic-js and the operator table's JS forms.
 *
 * json-logic-js keeps one global operation table; we register the language's operators in it
 * once (replacing its coercing ==, <, in… with the null-safe, type-strict ones of operators.ts),
 * so anything in the process that applies a rule gets the one meaning. Nothing per call is
 * stored there: `now` and the customer's facts travel in the data object (`this` of an operation).
 */
import jsonLogic from 'json-logic-js';
import { operandToLogic, type CompareOp, type Literal, type RuleNode } from './ast';
import { AGGREGATE, COMPARE, DAYS_SINCE, LOGIC, MEMBERSHIP, type EvalData, type Value } from './operators';
import { FIELDS } from './catalogue';
import { encryptedFieldOf, hashedLiterals } from './encrypted';
import { QUOTIENT, QUOTIENT_FIELDS } from './quotient';
import type { CustomerFacts, EvalContext, FieldDef, RuleLimits } from './types';
import { parseRuleOrThrow } from './validate';

type Op = (this: EvalData, ...args: any[]) => unknown;
const OPERATIONS: Record<string, Op> = {
  '==': (a, b) => COMPARE['=='].js(a, b),
  '===': (a, b) => COMPARE['=='].js(a, b),
  '!=': (a, b) => COMPARE['!='].js(a, b),
  '!==': (a, b) => COMPARE['!='].js(a, b),
  '>': (a, b) => COMPARE['>'].js(a, b),
  '>=': (a, b) => COMPARE['>='].js(a, b),
  '<': (a, b, c) => (c === undefined ? COMPARE['<'].js(a, b) : COMPARE.between_exclusive.js(b, a, c)),
  '<=': (a, b, c) => (c === undefined ? COMPARE['<='].js(a, b) : COMPARE.between.js(b, a, c)),
  in: (a, b) => (Array.isArray(b) ? COMPARE.in.js(a, ...b) : COMPARE.contains.js(b, a)),
  '!': (a) => LOGIC['!'].js(a),
  has_tag(slug) {
    return MEMBERSHIP.has_tag.js(this, slug);
  },
  in_segment(key) {
    return MEMBERSHIP.in_segment.js(this, key);
  },
  event_count(type, days = null) {
    return AGGREGATE.event_count.js(this, type, days);
  },
  order_count(days = null) {
    return AGGREGATE.order_count.js(this, days);
  },
  order_total(days = null) {
    return AGGREGATE.order_total.js(this, days);
  },
  days_since(t) {
    return DAYS_SINCE.js(t, this.$now);
  },
  /** `field OP literals` for a quotient field (quotient.ts), which toLogic writes this way. */
  quotient(op: CompareOp, path: string, ...lits: Literal[]) {
    const { total, count } = QUOTIENT_FIELDS[path];
    const group = (this as any)[path.slice(0, path.indexOf('.'))] as Record<string, unknown>;
    const n = group[count];
    if (typeof n !== 'number' || n <= 0) return (COMPARE[op].js as (...args: unknown[]) => boolean)(null, ...lits);
    return QUOTIENT.js(op, lits, Number(group[total] ?? 0), n);
  },
};
for (const [name, fn] of Object.entries(OPERATIONS)) jsonLogic.add_operation(name, fn as any);

/** The canonical JSON-Logic of a parsed rule, with datetime literals as epoch ms (as the data holds them). */

export const toLogic = (node: RuleNode): unknown => {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { [node.kind]: node.args.map(toLogic) };
    case 'not':
      return { '!': [toLogic(node.arg)] };
    case 'has_tag':
      return { has_tag: [node.slug] };
    case 'in_segment':
      return { in_segment: [node.key] };
    case 'compare': {
      if (node.operand.kind === 'field' && QUOTIENT_FIELDS[node.operand.field.path]) return { quotient: [node.op, node.operand.field.path, ...node.literals] };
      const value = operandToLogic(node.operand);
      const encrypted = encryptedFieldOf(node.operand);
      // Facts hold an encrypted field's hash (facts.ts), so the literals are hashed alike.
      const lits: Literal[] = encrypted ? hashedLiterals(encrypted, node.literals) : node.literals;
      switch (node.op) {
        case 'between':
          return { '<=': [lits[0], value, lits[1]] };
        case 'between_exclusive':
          return { '<': [lits[0], value, lits[1]] };
        case 'in':
          return { in: [value, lits] };
        case 'contains':
          return { in: [lits[0], value] };
        default:
          return { [node.op]: [value, lits[0]] };
      }
    }
  }
};

const plain = (value: unknown): Value => {
  if (value instanceof Date) return value.getTime();
  if (value === undefined) return null;
  return value as Value;
};
/** A group's values as the rules read them; counts and sums missing from the facts are 0, as in SQL. */
const plainRecord = (group: FieldDef['group'], record: Record<string, unknown> = {}) =>
  Object.fromEntries(
    FIELDS.filter((f) => f.group === group).map((f) => {
      const name = f.path.slice(group.length + 1);
      const value = plain(record[name]);
      return [name, value === null && f.count ? 0 : value];
    })
  );

type PreparedFacts = Omit<EvalData, '$now'>;
const prepared = new WeakMap<CustomerFacts, PreparedFacts>();

/** Facts as the JS forms read them (datetimes as ms); cached per facts object. */
const prepare = (facts: CustomerFacts): PreparedFacts => {
  let data = prepared.get(facts);
  if (!data) {
    data = {
      customer: plainRecord('customer', facts.customer),
      metrics: plainRecord('metrics', facts.metrics),
      score: plainRecord('score', facts.score),
      $tags: facts.tags,
      $segments: facts.segments,
      $events: facts.events.map((e) => ({ type: e.type, at: e.occurred_at.getTime() })),
      $orders: facts.orders.map((o) => ({ amount: Number(o.amount), status: o.status, kind: o.kind, at: o.ordered_at.getTime() })),
    };
    prepared.set(facts, data);
  }
  return data;
};

export type CompiledEvaluator = (facts: CustomerFacts, context: EvalContext) => boolean;

/** Validates once and returns a function deciding the rule for any customer's facts. */
export const compileEvaluator = (rule: unknown, options: { limits?: Partial<RuleLimits> } = {}): CompiledEvaluator => {
  const logic = toLogic(parseRuleOrThrow(rule, options)) as any;
  return (facts, { now }) => {
    // A per-call object on top of the cached facts: `now` never outlives the call.
    const data = Object.create(prepare(facts)) as EvalData;
    data.$now = now.getTime();
    return jsonLogic.apply(logic, data) === true;
  };
};

/** Does the rule hold for this customer at `now`? Throws RuleValidationError for an invalid rule. */
export const evaluateRule = (rule: unknown, facts: CustomerFacts, context: EvalContext): boolean => compileEvaluator(rule)(facts, context);
