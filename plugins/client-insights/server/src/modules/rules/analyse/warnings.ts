/**
 * Warnings of a valid rule (see index.ts): `contradiction` and `always_true` from the value sets of
 * each and/or group, `duplicate` from the canonical form, `empty` for a preview that matched nobody.
 */
import type { Literal, Operand, RuleNode } from '../ast';
import type { RuleWarning, WarningCondition } from '../../../../../shared/contracts/rules';
import { parseRule } from '../validate';
import { canonicalOfNode, fingerprint, negateJson, stableStringify } from './canonical';
import { compareSet, complement, domainOf, intersect, isDatetime, isEmpty, operandKey, type ValueSet } from './value-sets';

const literalText = (o: Operand, l: Literal) => (l === null ? 'null' : typeof l === 'number' && isDatetime(o) ? new Date(l).toISOString() : JSON.stringify(l));

const operandText = (o: Operand) =>
  o.kind === 'field'
    ? o.field.path
    : o.kind === 'days_since'
      ? `days_since(${o.field.path})`
      : o.kind === 'event_count'
        ? `event_count(${o.eventType}, ${o.days})`
        : `${o.kind}(${o.days})`;

/** A short human reading of a condition, for messages. */
const describeNode = (node: RuleNode): string => {
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

/** The condition as data for the warning's params (the admin words it in the user's language). */
const conditionParam = (node: RuleNode, not = false): WarningCondition => {
  switch (node.kind) {
    case 'compare': {
      const o = node.operand;
      const values = node.literals.map((l) => (typeof l === 'number' && isDatetime(o) ? new Date(l).toISOString() : l));
      const base = { op: node.op, values, not };
      if (o.kind === 'field' || o.kind === 'days_since') return { subject: o.kind, path: o.field.path, ...base };
      if (o.kind === 'event_count') return { subject: 'event_count', eventType: o.eventType, days: o.days, ...base };
      return { subject: o.kind, days: o.days, ...base };
    }
    case 'has_tag':
      return { subject: 'tag', op: 'has_tag', values: [node.slug], not };
    case 'in_segment':
      return { subject: 'segment', op: 'in_segment', values: [node.key], not };
    case 'not':
      return conditionParam(node.arg, !not);
    default:
      return { subject: 'group', op: node.kind, values: [], not, size: node.args.length };
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
const leavesOf = (node: RuleNode, kind: 'and' | 'or'): RuleNode[] => (node.kind === kind ? node.args.flatMap((child) => leavesOf(child, kind)) : [node]);

const MAX_WARNINGS = 20;

const contradictionWarning = (group: RuleNode, a: Atom, b?: Atom): RuleWarning =>
  b
    ? {
        path: group.path,
        kind: 'contradiction',
        code: 'contradiction.pair',
        params: { conditions: [conditionParam(a.node), conditionParam(b.node)] },
        message: `"${describeNode(a.node)}" and "${describeNode(b.node)}" can never both be true, so this branch matches no customer`,
        suggestion: 'Remove or change one of the two conditions, or join them with "or" if either should match.',
        conditions: [a.node.path, b.node.path],
      }
    : {
        path: a.node.path,
        kind: 'contradiction',
        code: 'contradiction.single',
        params: { conditions: [conditionParam(a.node)] },
        message: `"${describeNode(a.node)}" can never be true`,
        suggestion: 'Check the bounds and the value: this condition matches no customer.',
        conditions: [a.node.path],
      };

const alwaysTrueWarning = (group: RuleNode, a: Atom, b?: Atom): RuleWarning =>
  b
    ? {
        path: group.path,
        kind: 'always_true',
        code: 'always_true.pair',
        params: { conditions: [conditionParam(a.node), conditionParam(b.node)] },
        message: `"${describeNode(a.node)}" or "${describeNode(b.node)}" holds for every customer, so this branch matches everyone`,
        suggestion: 'Remove this "or" (it filters nothing), or change one of the two conditions.',
        conditions: [a.node.path, b.node.path],
      }
    : {
        path: a.node.path,
        kind: 'always_true',
        code: 'always_true.single',
        params: { conditions: [conditionParam(a.node)] },
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
      const clash = sameOperand
        ? !emptyWithin(a.operand!, a.set!) && !emptyWithin(b.operand!, b.set!) && emptyWithin(a.operand!, a.set!, b.set!)
        : a.key === b.negKey;
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
      const covers = sameOperand
        ? Boolean(ca && cb && !emptyWithin(a.operand!, ca) && !emptyWithin(b.operand!, cb) && emptyWithin(a.operand!, ca, cb))
        : a.key === b.negKey;
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
  return out
    .filter((w) => {
      const key = `${w.kind}:${w.path}:${(w.conditions ?? []).join('|')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_WARNINGS);
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
      code: 'duplicate' as const,
      params: { segment: { key: s.key, name: s.name } },
      message: `Same rule as segment "${s.name}" (${s.key})`,
      suggestion: `Reuse that segment, e.g. {"in_segment": ["${s.key}"]}, or change this rule.`,
    }));
};

/** `empty` warning for a preview that matched no customer. */
export const emptyWarning = (): RuleWarning => ({
  path: '',
  kind: 'empty',
  code: 'empty',
  params: {},
  message: 'No customer matches this rule now',
  suggestion: 'Loosen a condition (wider range, longer window, fewer required tags) and preview again.',
});
