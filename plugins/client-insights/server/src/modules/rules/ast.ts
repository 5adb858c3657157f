/**
 * The parsed form of a valid rule (validate.ts builds it; compile.ts and evaluate.ts walk it).
 * Every node keeps the JSON pointer of the JSON-Logic expression it came from.
 */
import type { FieldDef } from './types';

/** A literal after validation: text, number, or a datetime as epoch milliseconds; null only for ==/!=. */
export type Literal = string | number | null;

/** Something a comparison reads: a field, or one of the number-valued custom operators. */
export type Operand =
  | { kind: 'field'; field: FieldDef }
  | { kind: 'days_since'; field: FieldDef }
  | { kind: 'event_count'; eventType: string; days: number | null }
  | { kind: 'order_count'; days: number | null }
  | { kind: 'order_total'; days: number | null };

/** Comparison operator ids of the operator table (=== and !== are read as == and !=). */
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'between' | 'between_exclusive' | 'in' | 'contains';

export type RuleNode =
  | { kind: 'and' | 'or'; path: string; args: RuleNode[] }
  | { kind: 'not'; path: string; arg: RuleNode }
  /** `operand OP literals`: one literal, two for the between forms, the list for `in`. */
  | { kind: 'compare'; path: string; op: CompareOp; operand: Operand; literals: Literal[] }
  | { kind: 'has_tag'; path: string; slug: string }
  | { kind: 'in_segment'; path: string; key: string };

/** Value type an operand yields. */
export const operandType = (operand: Operand): FieldDef['type'] => (operand.kind === 'field' ? operand.field.type : 'number');

/** Whole numbers only (so integer literals, and PostgreSQL binds them as bigint). */
export const operandIsInteger = (operand: Operand): boolean =>
  operand.kind === 'field' ? Boolean(operand.field.integer) : operand.kind === 'event_count' || operand.kind === 'order_count';

/** The value of an operand when its source row/column is missing: 0 for counts and sums, else null. */
export const operandMissingValue = (operand: Operand): 0 | null =>
  (operand.kind === 'field' && operand.field.count) || ['event_count', 'order_count', 'order_total'].includes(operand.kind) ? 0 : null;

/** The JSON-Logic of an operand, as the evaluator runs it and the canonical form prints it. */
export const operandToLogic = (o: Operand): unknown => {
  switch (o.kind) {
    case 'field':
      return { var: o.field.path };
    case 'days_since':
      return { days_since: [{ var: o.field.path }] };
    case 'event_count':
      return { event_count: [o.eventType, o.days] };
    default:
      return { [o.kind]: [o.days] };
  }
};

/** Whether `node` reads only customer, metrics and score columns (no custom operator). */
export const isPlain = (node: RuleNode): boolean => {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.args.every(isPlain);
    case 'not':
      return isPlain(node.arg);
    case 'compare':
      return node.operand.kind === 'field' || node.operand.kind === 'days_since';
    default:
      return false;
  }
};

/**
 * A rule of plain conditions only that every customer of `node` satisfies (a relaxation), or null
 * when none narrower than "everyone" follows from it: custom operators drop out of an `and`; an
 * `or` or `not` over one keeps nothing.
 */
export const plainRelaxation = (node: RuleNode): RuleNode | null => {
  if (isPlain(node)) return node;
  if (node.kind === 'and') {
    const kept = node.args.map(plainRelaxation).filter((n): n is RuleNode => n !== null);
    return kept.length === 0 ? null : kept.length === 1 ? kept[0] : { ...node, args: kept };
  }
  if (node.kind === 'or') {
    const relaxed = node.args.map(plainRelaxation);
    return relaxed.every((n): n is RuleNode => n !== null) ? { ...node, args: relaxed } : null;
  }
  return null;
};
