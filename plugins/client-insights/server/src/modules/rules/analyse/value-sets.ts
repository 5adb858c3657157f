/**
 * Value sets (see index.ts): each comparison read as the set of values, plus null or not, that it
 * accepts for its operand, with the set algebra the canonical form and the warnings share.
 */
import { operandIsInteger, type Literal, type Operand, type RuleNode } from '../ast';

export type Value = string | number;
export type Bound = { v: number; incl: boolean };
/** Values an operand may take for a condition to hold; `nulls`: whether a null operand satisfies it. */
export type ValueSet =
  | { kind: 'range'; nulls: boolean; lo?: Bound; hi?: Bound }
  | { kind: 'in'; nulls: boolean; values: Value[] }
  | { kind: 'notin'; nulls: boolean; values: Value[] };

const NON_NEGATIVE_FIELDS = new Set([
  'metrics.order_count',
  'metrics.total_spent',
  'metrics.renewal_count',
  'metrics.overdue_amount',
  'metrics.referral_count',
  'metrics.complaint_count',
]);

/** Identity of an operand: conditions on equal keys constrain the same value. */
export const operandKey = (o: Operand): string =>
  o.kind === 'field' || o.kind === 'days_since'
    ? `${o.kind}:${o.field.path}`
    : o.kind === 'event_count'
      ? `event_count:${o.eventType}:${o.days}`
      : `${o.kind}:${o.days}`;

export const isDatetime = (o: Operand) => o.kind === 'field' && o.field.type === 'datetime';
const nonNull = (o: Operand) => o.kind !== 'days_since' && (o.kind !== 'field' || Boolean(o.field.count));

/** What the operand can be at all: counts and sums are never null, most are never negative. */
export const domainOf = (o: Operand): ValueSet => {
  if (o.kind === 'field' && (o.field.type === 'string' || o.field.type === 'enum')) return { kind: 'notin', nulls: true, values: [] };
  if (!nonNull(o)) return { kind: 'range', nulls: true };
  const nonNegative = o.kind !== 'field' || NON_NEGATIVE_FIELDS.has(o.field.path);
  return { kind: 'range', nulls: false, ...(nonNegative ? { lo: { v: 0, incl: true } } : {}) };
};

/** Whole-number operands: `x > 5` is `x >= 6`, so bounds compare exactly. */
const integerBounds = (set: ValueSet, integer: boolean): ValueSet => {
  if (!integer || set.kind !== 'range') return set;
  const lo = set.lo && { v: set.lo.incl ? Math.ceil(set.lo.v) : Math.floor(set.lo.v) + 1, incl: true };
  const hi = set.hi && { v: set.hi.incl ? Math.floor(set.hi.v) : Math.ceil(set.hi.v) - 1, incl: true };
  return { kind: 'range', nulls: set.nulls, ...(lo ? { lo } : {}), ...(hi ? { hi } : {}) };
};

const tighter = (a: Bound | undefined, b: Bound | undefined, side: 'lo' | 'hi'): Bound | undefined => {
  if (!a || !b) return a ?? b;
  if (a.v === b.v) return { v: a.v, incl: a.incl && b.incl };
  return (side === 'lo' ? a.v > b.v : a.v < b.v) ? a : b;
};

export const inRange = (v: Value, s: { lo?: Bound; hi?: Bound }) =>
  typeof v === 'number' && (!s.lo || v > s.lo.v || (v === s.lo.v && s.lo.incl)) && (!s.hi || v < s.hi.v || (v === s.hi.v && s.hi.incl));

const rangeEmpty = (lo?: Bound, hi?: Bound) => Boolean(lo && hi && (lo.v > hi.v || (lo.v === hi.v && !(lo.incl && hi.incl))));

export const intersect = (a: ValueSet, b: ValueSet): ValueSet => {
  const nulls = a.nulls && b.nulls;
  if (a.kind === 'range' && b.kind === 'range') {
    const lo = tighter(a.lo, b.lo, 'lo');
    const hi = tighter(a.hi, b.hi, 'hi');
    return { kind: 'range', nulls, ...(lo ? { lo } : {}), ...(hi ? { hi } : {}) };
  }
  if (a.kind === 'range' || b.kind === 'range') {
    const [r, o] = (a.kind === 'range' ? [a, b] : [b, a]) as [Extract<ValueSet, { kind: 'range' }>, ValueSet];
    if (o.kind === 'in') return { kind: 'in', nulls, values: o.values.filter((v) => inRange(v, r)) };
    // range minus points: only a single-point range can be emptied by them.
    if (r.lo && r.hi && r.lo.v === r.hi.v && (o as { values: Value[] }).values.includes(r.lo.v)) return { kind: 'in', nulls, values: [] };
    return { ...r, nulls };
  }
  if (a.kind === 'in' && b.kind === 'in') return { kind: 'in', nulls, values: a.values.filter((v) => b.values.includes(v)) };
  if (a.kind === 'in' || b.kind === 'in') {
    const [i, n] = a.kind === 'in' ? [a, b] : [b, a];
    return { kind: 'in', nulls, values: i.values.filter((v) => !(n as { values: Value[] }).values.includes(v)) };
  }
  return { kind: 'notin', nulls, values: [...new Set([...a.values, ...(b as { values: Value[] }).values])] };
};

export const isEmpty = (s: ValueSet): boolean => !s.nulls && (s.kind === 'in' ? s.values.length === 0 : s.kind === 'range' ? rangeEmpty(s.lo, s.hi) : false);

/** Exact complement when it is one ValueSet (a two-sided range is not), else undefined. */
export const complement = (s: ValueSet): ValueSet | undefined => {
  if (s.kind === 'in') return { kind: 'notin', nulls: !s.nulls, values: s.values };
  if (s.kind === 'notin') return { kind: 'in', nulls: !s.nulls, values: s.values };
  if (s.lo && s.hi) return undefined;
  if (s.lo) return { kind: 'range', nulls: !s.nulls, hi: { v: s.lo.v, incl: !s.lo.incl } };
  if (s.hi) return { kind: 'range', nulls: !s.nulls, lo: { v: s.hi.v, incl: !s.hi.incl } };
  return { kind: 'in', nulls: !s.nulls, values: [] };
};

const lits = (literals: Literal[]) => literals.filter((l): l is Value => l !== null);

/** The value set of a comparison (null when it is not one we reason about, e.g. text search). */
export const compareSet = (node: Extract<RuleNode, { kind: 'compare' }>): ValueSet | null => {
  const [a, b] = node.literals;
  const num = (l: Literal) => (typeof l === 'number' ? l : NaN);
  let set: ValueSet | null;
  switch (node.op) {
    case '==':
      set = a === null ? { kind: 'in', nulls: true, values: [] } : { kind: 'in', nulls: false, values: [a] };
      break;
    case '!=':
      set = a === null ? { kind: 'notin', nulls: false, values: [] } : { kind: 'notin', nulls: true, values: [a] };
      break;
    case '>':
    case '>=':
      set = { kind: 'range', nulls: false, lo: { v: num(a), incl: node.op === '>=' } };
      break;
    case '<':
    case '<=':
      set = { kind: 'range', nulls: false, hi: { v: num(a), incl: node.op === '<=' } };
      break;
    case 'between':
    case 'between_exclusive': {
      const incl = node.op === 'between';
      set = { kind: 'range', nulls: false, lo: { v: num(a), incl }, hi: { v: num(b), incl } };
      break;
    }
    case 'in':
      set = { kind: 'in', nulls: false, values: [...new Set(lits(node.literals))] };
      break;
    default:
      return null;
  }
  if (set.kind === 'range' && [set.lo?.v, set.hi?.v].some((v) => v !== undefined && Number.isNaN(v))) return null;
  return integerBounds(set, operandIsInteger(node.operand));
};

/** Union of two null-free sets when it is again one set (in ∪ in, lower ∪ lower, upper ∪ upper). */
export const union = (a: ValueSet, b: ValueSet): ValueSet | undefined => {
  if (a.kind === 'in' && b.kind === 'in') return { kind: 'in', nulls: false, values: [...new Set([...a.values, ...b.values])] };
  if (a.kind === 'range' && b.kind === 'range') {
    const loose = (x: Bound, y: Bound, side: 'lo' | 'hi') =>
      x.v === y.v ? { v: x.v, incl: x.incl || y.incl } : (side === 'lo' ? x.v < y.v : x.v > y.v) ? x : y;
    if (a.lo && b.lo && !a.hi && !b.hi) return { kind: 'range', nulls: false, lo: loose(a.lo, b.lo, 'lo') };
    if (a.hi && b.hi && !a.lo && !b.lo) return { kind: 'range', nulls: false, hi: loose(a.hi, b.hi, 'hi') };
  }
  if (a.kind === 'in' && b.kind === 'range' && a.values.every((v) => inRange(v, b))) return b;
  if (b.kind === 'in' && a.kind === 'range' && b.values.every((v) => inRange(v, a))) return a;
  return undefined;
};
