/**
 * Static analysis of a valid rule (RULES.md "Validation answer"): branches that can never be
 * true (`contradiction`), `or` groups that match everyone (`always_true`), and a canonical form /
 * fingerprint so that equivalent rules written differently are recognised (`duplicate`).
 *
 * Each comparison is read as the set of values (plus null or not) it accepts for its operand;
 * two conditions of one `and` contradict when their sets do not meet, two of one `or` cover
 * everything when the complements do not meet. Everything else (has_tag, in_segment, text
 * search, nested groups) is compared by canonical form: `R` and `!R` together.
 */
import crypto from 'crypto';
import { operandIsInteger, operandToLogic, type Literal, type Operand, type RuleNode } from './ast';
import type { RuleWarning } from './types';
import { parseRule, parseRuleOrThrow } from './validate';

type Value = string | number;
type Bound = { v: number; incl: boolean };
/** Values an operand may take for a condition to hold; `nulls`: whether a null operand satisfies it. */
export type ValueSet =
  | { kind: 'range'; nulls: boolean; lo?: Bound; hi?: Bound }
  | { kind: 'in'; nulls: boolean; values: Value[] }
  | { kind: 'notin'; nulls: boolean; values: Value[] };

const NON_NEGATIVE_FIELDS = new Set(['metrics.order_count', 'metrics.total_spent', 'metrics.renewal_count', 'metrics.overdue_amount', 'metrics.referral_count', 'metrics.complaint_count']);

const operandKey = (o: Operand): string =>
  o.kind === 'field' || o.kind === 'days_since' ? `${o.kind}:${o.field.path}` : o.kind === 'event_count' ? `event_count:${o.eventType}:${o.days}` : `${o.kind}:${o.days}`;

const isDatetime = (o: Operand) => o.kind === 'field' && o.field.type === 'datetime';
const nonNull = (o: Operand) => o.kind !== 'days_since' && (o.kind !== 'field' || Boolean(o.field.count));

/** What the operand can be at all: counts and sums are never null, most are never negative. */
const domainOf = (o: Operand): ValueSet => {
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

const inRange = (v: Value, s: { lo?: Bound; hi?: Bound }) =>
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

export const isEmpty = (s: ValueSet): boolean =>
  !s.nulls && (s.kind === 'in' ? s.values.length === 0 : s.kind === 'range' ? rangeEmpty(s.lo, s.hi) : false);

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
const compareSet = (node: Extract<RuleNode, { kind: 'compare' }>): ValueSet | null => {
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

// ---------------------------------------------------------------------------------------------
// Canonical form


const literalJson = (o: Operand, l: Value | null) => (typeof l === 'number' && isDatetime(o) ? new Date(l).toISOString() : l);

/** JSON with object keys sorted, so equal structures give equal text. */
export const stableStringify = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** A canonical item: its JSON, and when it is a plain positive constraint, the constraint (for merging). */
type Item = { json: unknown; constraint?: { operand: Operand; set: ValueSet } };

const sortValues = (values: Value[]) => [...new Set(values)].sort((x, y) => (typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === 'number' ? -1 : 1));

/** JSON of a null-free constraint set on an operand: `==`, `in`, or one or two bounds. */
const renderSet = (o: Operand, set: ValueSet): unknown[] => {
  const t = operandToLogic(o);
  if (set.kind === 'in') {
    const values = sortValues(set.values).map((v) => literalJson(o, v));
    if (values.length === 1) return [{ '==': [t, values[0]] }];
    // Datetimes and number operations take no list: the same set as an or of equalities.
    const listAllowed = o.kind === 'field' && o.field.operators.includes('in');
    return [listAllowed ? { in: [t, values] } : { or: sortJson(values.map((x) => ({ '==': [t, x] }))) }];
  }
  if (set.kind === 'notin') return [{ '!=': [t, null] }, ...sortValues(set.values).map((v) => ({ '!=': [t, literalJson(o, v)] }))];
  if (set.lo && set.hi && set.lo.v === set.hi.v && set.lo.incl && set.hi.incl) return [{ '==': [t, literalJson(o, set.lo.v)] }];
  const out: unknown[] = [];
  if (set.lo) out.push({ [set.lo.incl ? '>=' : '>']: [t, literalJson(o, set.lo.v)] });
  if (set.hi) out.push({ [set.hi.incl ? '<=' : '<']: [t, literalJson(o, set.hi.v)] });
  return out;
};

/** Items of a constraint in an and (a two-sided range is two bounds, each mergeable alone). */
const constraintItems = (o: Operand, set: ValueSet): Item[] => {
  const jsons = renderSet(o, set);
  if (jsons.length === 1) return [{ json: jsons[0], constraint: { operand: o, set } }];
  if (set.kind !== 'range') return jsons.map((json) => ({ json }));
  const { lo, hi } = set as { lo: Bound; hi: Bound };
  return [
    { json: jsons[0], constraint: { operand: o, set: { kind: 'range', nulls: false, lo } } },
    { json: jsons[1], constraint: { operand: o, set: { kind: 'range', nulls: false, hi } } },
  ];
};

/** A conjunction of items as one operand of an or (keeping the constraint when it is on one operand). */
const asOperand = (items: Item[]): Item => {
  if (items.length === 1) return items[0];
  const json = { and: sortJson(items.map((i) => i.json)) };
  const first = items[0].constraint;
  if (first && items.every((i) => i.constraint && operandKey(i.constraint.operand) === operandKey(first.operand))) {
    const set = items.map((i) => i.constraint!.set).reduce(intersect);
    if (!isEmpty(set)) return { json, constraint: { operand: first.operand, set } };
  }
  return { json };
};

/** Union of two null-free sets when it is again one set (in ∪ in, lower ∪ lower, upper ∪ upper). */
const union = (a: ValueSet, b: ValueSet): ValueSet | undefined => {
  if (a.kind === 'in' && b.kind === 'in') return { kind: 'in', nulls: false, values: [...new Set([...a.values, ...b.values])] };
  if (a.kind === 'range' && b.kind === 'range') {
    const loose = (x: Bound, y: Bound, side: 'lo' | 'hi') => (x.v === y.v ? { v: x.v, incl: x.incl || y.incl } : (side === 'lo' ? x.v < y.v : x.v > y.v) ? x : y);
    if (a.lo && b.lo && !a.hi && !b.hi) return { kind: 'range', nulls: false, lo: loose(a.lo, b.lo, 'lo') };
    if (a.hi && b.hi && !a.lo && !b.lo) return { kind: 'range', nulls: false, hi: loose(a.hi, b.hi, 'hi') };
  }
  if (a.kind === 'in' && b.kind === 'range' && a.values.every((v) => inRange(v, b))) return b;
  if (b.kind === 'in' && a.kind === 'range' && b.values.every((v) => inRange(v, a))) return a;
  return undefined;
};

/** Merges the constraints on one operand inside an and (intersection) or an or (union). */
const mergeConstraints = (kind: 'and' | 'or', items: Item[]): Item[] => {
  const byOperand = new Map<string, Item[]>();
  const rest: Item[] = [];
  for (const item of items) {
    if (!item.constraint || item.constraint.set.nulls) rest.push(item);
    else {
      const key = operandKey(item.constraint.operand);
      byOperand.set(key, [...(byOperand.get(key) ?? []), item]);
    }
  }
  for (const group of byOperand.values()) {
    const operand = group[0].constraint!.operand;
    if (kind === 'and') {
      const merged = group.map((g) => g.constraint!.set).reduce(intersect);
      // A contradiction is reported, not normalised away.
      rest.push(...(isEmpty(merged) ? group : constraintItems(operand, merged)));
      continue;
    }
    const sets: ValueSet[] = [];
    for (const g of group) {
      const at = sets.findIndex((s) => union(s, g.constraint!.set));
      if (at >= 0) sets[at] = union(sets[at], g.constraint!.set)!;
      else sets.push(g.constraint!.set);
    }
    rest.push(...sets.map((set) => asOperand(constraintItems(operand, set))));
  }
  return rest;
};

const negateJson = (json: unknown): unknown => {
  const [op] = Object.keys(json as object);
  const args = (json as Record<string, unknown[]>)[op];
  if (op === '!') return args[0];
  if (op === '==') return { '!=': args };
  if (op === '!=') return { '==': args };
  return { '!': [json] };
};

/** Operands of a json group, spread when the item is itself that kind of group. */
const spread = (item: Item, kind: 'and' | 'or'): Item[] => {
  const json = item.json as Record<string, unknown>;
  return Object.keys(json)[0] === kind && !item.constraint ? (json[kind] as unknown[]).map(itemOf) : [item];
};

const uniqueItems = (items: Item[]): Item[] => {
  const byText = new Map<string, Item>();
  for (const item of items) byText.set(stableStringify(item.json), item);
  return [...byText.keys()].sort().map((k) => byText.get(k)!);
};

/** The canonical conjunction of a node: a list of items that all hold (usually one). */
const canonItems = (node: RuleNode): Item[] => {
  switch (node.kind) {
    case 'and':
      return uniqueItems(mergeConstraints('and', node.args.flatMap((child) => canonItems(child).flatMap((i) => spread(i, 'and')))));
    case 'or': {
      const operands = node.args.flatMap((child) => spread(asOperand(canonItems(child)), 'or'));
      const merged = uniqueItems(mergeConstraints('or', operands));
      return merged.length === 1 ? [merged[0]] : [{ json: { or: merged.map((i) => i.json) } }];
    }
    case 'not':
      return [{ json: negateJson(asOperand(canonItems(node.arg)).json) }];
    case 'compare': {
      const set = compareSet(node);
      if (set && !set.nulls) return constraintItems(node.operand, set);
      const t = operandToLogic(node.operand);
      if (node.op === 'contains') return [{ json: { in: [node.literals[0], t] } }];
      return [{ json: { [node.op]: [t, literalJson(node.operand, node.literals[0] as Value | null)] } }];
    }
    case 'has_tag':
      return [{ json: { has_tag: [node.slug] } }];
    default:
      return [{ json: { in_segment: [node.key] } }];
  }
};

const itemOf = (json: unknown): Item => ({ json });
const sortJson = (jsons: unknown[]) => {
  const byText = new Map(jsons.map((j) => [stableStringify(j), j]));
  return [...byText.keys()].sort().map((k) => byText.get(k));
};

export const canonicalOfNode = (node: RuleNode): unknown => asOperand(canonItems(node)).json;

/**
 * The canonical form: `===`→`==`, flattened and/or with sorted, de-duplicated operands,
 * between as two bounds, the bounds on one operand merged (whole-number bounds made inclusive),
 * `==` lists merged into `in`, datetimes as ISO-8601 UTC, double negation removed.
 * Throws RuleValidationError for an invalid rule.
 */
export const canonicalForm = (rule: unknown): unknown => canonicalOfNode(parseRuleOrThrow(rule));

/** Equal for rules with the same canonical form (hex SHA-256 of its sorted JSON). */
export const fingerprint = (rule: unknown): string => crypto.createHash('sha256').update(stableStringify(canonicalForm(rule))).digest('hex');

// ---------------------------------------------------------------------------------------------
// Warnings

const literalText = (o: Operand, l: Literal) => (l === null ? 'null' : typeof l === 'number' && isDatetime(o) ? new Date(l).toISOString() : JSON.stringify(l));

const operandText = (o: Operand) =>
  o.kind === 'field' ? o.field.path : o.kind === 'days_since' ? `days_since(${o.field.path})` : o.kind === 'event_count' ? `event_count(${o.eventType}, ${o.days})` : `${o.kind}(${o.days})`;

/** A short human reading of a condition, for messages. */
export const describeNode = (node: RuleNode): string => {
  switch (node.kind) {
    case 'compare': {
      const t = operandText(node.operand);
      const [a, b] = node.literals;
      if (node.op === 'between') return `${literalText(node.operand, a)} <= ${t} <= ${literalText(node.operand, b)}`;
      if (node.op === 'between_exclusive') return `${literalText(node.operand, a)} < ${t} < ${literalText(node.operand, b)}`;
      if (node.op === 'in') return `${t} in [${node.literals.map((l) => literalText(node.operand, l)).join(', ')}]`;
      if (node.op === 'contains') return `${t} contains ${literalText(node.operand, a)}`;
      return `${t} ${node.op} ${literalText(node.operand, a)}`;
    }
    case 'has_tag':
      return `has_tag ${JSON.stringify(node.slug)}`;
    case 'in_segment':
      return `in_segment ${JSON.stringify(node.key)}`;
    case 'not':
      return `NOT (${describeNode(node.arg)})`;
    default: {
      const text = node.args.map(describeNode).join(` ${node.kind.toUpperCase()} `);
      return text.length > 120 ? `${text.slice(0, 117)}…` : text;
    }
  }
};

type Atom = { node: RuleNode; operand?: Operand; set?: ValueSet; key: string; negKey: string };

const atomOf = (node: RuleNode): Atom => {
  const json = canonicalOfNode(node);
  const base = { node, key: stableStringify(json), negKey: stableStringify(negateJson(json)) };
  const target = node.kind === 'not' ? node.arg : node;
  if (target.kind !== 'compare') return base;
  const set = compareSet(target);
  if (!set) return base;
  const finalSet = node.kind === 'not' ? complement(set) : set;
  return finalSet ? { ...base, operand: target.operand, set: finalSet } : base;
};

/** Leaves of a group of nested same-kind and/or nodes (a between stays one leaf). */
const leavesOf = (node: RuleNode, kind: 'and' | 'or'): RuleNode[] =>
  node.kind === kind ? node.args.flatMap((child) => leavesOf(child, kind)) : [node];

const MAX_WARNINGS = 20;

const contradictionWarning = (group: RuleNode, a: Atom, b?: Atom): RuleWarning =>
  b
    ? {
        path: group.path,
        kind: 'contradiction',
        message: `"${describeNode(a.node)}" and "${describeNode(b.node)}" can never both be true, so this branch matches no customer`,
        suggestion: 'Remove or change one of the two conditions, or join them with "or" if either should match.',
        conditions: [a.node.path, b.node.path],
      }
    : {
        path: a.node.path,
        kind: 'contradiction',
        message: `"${describeNode(a.node)}" can never be true`,
        suggestion: 'Check the bounds and the value: this condition matches no customer.',
        conditions: [a.node.path],
      };

const alwaysTrueWarning = (group: RuleNode, a: Atom, b?: Atom): RuleWarning =>
  b
    ? {
        path: group.path,
        kind: 'always_true',
        message: `"${describeNode(a.node)}" or "${describeNode(b.node)}" holds for every customer, so this branch matches everyone`,
        suggestion: 'Remove this "or" (it filters nothing), or change one of the two conditions.',
        conditions: [a.node.path, b.node.path],
      }
    : {
        path: a.node.path,
        kind: 'always_true',
        message: `"${describeNode(a.node)}" holds for every customer`,
        suggestion: 'Remove this condition: it filters nothing.',
        conditions: [a.node.path],
      };

const emptyWithin = (operand: Operand, ...sets: ValueSet[]) => isEmpty([domainOf(operand), ...sets].reduce(intersect));

/** Pairs (and single conditions) of one and-group that cannot hold together. */
const checkAnd = (group: RuleNode, atoms: Atom[], out: RuleWarning[]) => {
  atoms.forEach((a) => {
    if (a.set && a.operand && emptyWithin(a.operand, a.set)) out.push(contradictionWarning(group, a));
  });
  for (let i = 0; i < atoms.length; i += 1) {
    for (let j = i + 1; j < atoms.length; j += 1) {
      const [a, b] = [atoms[i], atoms[j]];
      const sameOperand = a.set && b.set && operandKey(a.operand!) === operandKey(b.operand!);
      const clash = sameOperand ? !emptyWithin(a.operand!, a.set!) && !emptyWithin(b.operand!, b.set!) && emptyWithin(a.operand!, a.set!, b.set!) : a.key === b.negKey;
      if (clash) out.push(contradictionWarning(group, a, b));
    }
  }
};

/** Pairs (and single conditions) of one or-group that together hold for everyone. */
const checkOr = (group: RuleNode, atoms: Atom[], out: RuleWarning[]) => {
  const comp = (a: Atom) => (a.set ? complement(a.set) : undefined);
  atoms.forEach((a) => {
    const c = comp(a);
    if (c && a.operand && emptyWithin(a.operand, c)) out.push(alwaysTrueWarning(group, a));
  });
  for (let i = 0; i < atoms.length; i += 1) {
    for (let j = i + 1; j < atoms.length; j += 1) {
      const [a, b] = [atoms[i], atoms[j]];
      const [ca, cb] = [comp(a), comp(b)];
      const sameOperand = a.set && b.set && operandKey(a.operand!) === operandKey(b.operand!);
      const covers = sameOperand ? Boolean(ca && cb && !emptyWithin(a.operand!, ca) && !emptyWithin(b.operand!, cb) && emptyWithin(a.operand!, ca, cb)) : a.key === b.negKey;
      if (covers) out.push(alwaysTrueWarning(group, a, b));
    }
  }
};

const walk = (node: RuleNode, parentKind: string | null, out: RuleWarning[]) => {
  if (node.kind === 'and' || node.kind === 'or') {
    const leaves = leavesOf(node, node.kind);
    if (parentKind !== node.kind) {
      const atoms = leaves.map(atomOf);
      (node.kind === 'and' ? checkAnd : checkOr)(node, atoms, out);
    }
    leaves.forEach((leaf) => walk(leaf, node.kind, out));
    return;
  }
  if (node.kind === 'not') return walk(node.arg, 'not', out);
  if (parentKind === null && node.kind === 'compare') {
    // A lone condition (the whole rule, e.g. an empty between).
    checkAnd(node, [atomOf(node)], out);
    checkOr(node, [atomOf(node)], out);
  }
};

/** contradiction / always_true warnings of a rule; [] for an invalid rule (validation reports those). */
export const analyseRule = (rule: unknown): RuleWarning[] => {
  const parsed = parseRule(rule);
  if (!parsed.ok) return [];
  const out: RuleWarning[] = [];
  walk(parsed.ast, null, out);
  const seen = new Set<string>();
  return out.filter((w) => {
    const key = `${w.kind}:${w.path}:${(w.conditions ?? []).join('|')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, MAX_WARNINGS);
};

export type SegmentRef = { id?: number; key: string; name: string; rule: unknown };

/** Fingerprints of stored rules, by their JSON text (every preview compares against every segment). */
const fingerprintCache = new Map<string, string | null>();
const cachedFingerprint = (rule: unknown): string | null => {
  const key = stableStringify(rule);
  if (!fingerprintCache.has(key)) {
    if (fingerprintCache.size >= 5000) fingerprintCache.delete(fingerprintCache.keys().next().value as string);
    let value: string | null = null;
    try {
      value = fingerprint(rule);
    } catch {
      value = null; // an invalid stored rule duplicates nothing
    }
    fingerprintCache.set(key, value);
  }
  return fingerprintCache.get(key) ?? null;
};

/** `duplicate` warnings: existing segments whose rule has this rule's canonical form. */
export const duplicateWarnings = (rule: unknown, segments: SegmentRef[]): RuleWarning[] => {
  const mine = cachedFingerprint(rule);
  if (mine === null) return [];
  return segments
    .filter((s) => s.rule !== null && s.rule !== undefined && cachedFingerprint(s.rule) === mine)
    .map((s) => ({
      path: '',
      kind: 'duplicate' as const,
      message: `Same rule as segment "${s.name}" (${s.key})`,
      suggestion: `Reuse that segment, e.g. {"in_segment": ["${s.key}"]}, or change this rule.`,
    }));
};

/** `empty` warning for a preview that matched no customer. */
export const emptyWarning = (): RuleWarning => ({
  path: '',
  kind: 'empty',
  message: 'No customer matches this rule now',
  suggestion: 'Loosen a condition (wider range, longer window, fewer required tags) and preview again.',
});
