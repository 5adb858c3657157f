import { VERSION_FIELDS } from '../../../../../shared/enums';
import { pointer } from '../../../../../shared/errors';
import type { VersionDiff, VersionState } from '../../../../../shared/contracts/segment-history';
import { stableStringify } from '../../rules/analyse';

/**
 * The difference between two versions of a segment: each setting that changed, before and after;
 * and the rule compared structurally (both in canonical form, so a rule rewritten into an
 * equivalent one shows no change): conditions added, removed or changed, each at a JSON pointer
 * into the rule it belongs to (removed: the older rule; added and changed: the newer one).
 */
type RuleChange = VersionDiff['rule'][number];

const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);

/** The one operator of a JSON-Logic node, or null for a literal, a list or a `var`. */
const operatorOf = (node: unknown): string | null => {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
  const keys = Object.keys(node);
  return keys.length === 1 && keys[0] !== 'var' ? keys[0] : null;
};

/** and / or: their operands form a set, matched by equality first. */
const SETS = new Set(['and', 'or']);

const diffNode = (before: unknown, after: unknown, path: (string | number)[]): RuleChange[] => {
  if (same(before, after)) return [];
  const op = operatorOf(before);
  if (op !== null && op === operatorOf(after)) {
    const a = (before as Record<string, unknown>)[op];
    const b = (after as Record<string, unknown>)[op];
    if (Array.isArray(a) && Array.isArray(b)) return SETS.has(op) ? diffSet(a, b, [...path, op]) : diffList(a, b, [...path, op]);
    return diffNode(a, b, [...path, op]);
  }
  return [{ kind: 'changed', path: pointer(path), before, after }];
};

/** Operands in order (a comparison's field and value): a different one is a change of the whole condition. */
const diffList = (a: unknown[], b: unknown[], path: (string | number)[]): RuleChange[] =>
  a.length !== b.length || a.some((x, i) => operatorOf(x) === null && !same(x, b[i]))
    ? [{ kind: 'changed', path: pointer(path.slice(0, -1)), before: { [path[path.length - 1]]: a }, after: { [path[path.length - 1]]: b } }]
    : a.flatMap((x, i) => diffNode(x, b[i], [...path, i]));

/**
 * The conditions of an and/or: those on both sides are unchanged; of the rest, conditions with
 * the same operator and field pair up as changed, and the others were added or removed.
 */
const diffSet = (a: unknown[], b: unknown[], path: (string | number)[]): RuleChange[] => {
  const left = a.map((node, i) => ({ node, i })).filter(({ node }) => !b.some((y) => same(node, y)));
  const right = b.map((node, i) => ({ node, i })).filter(({ node }) => !a.some((x) => same(node, x)));
  const changes: RuleChange[] = [];
  for (const l of [...left]) {
    const match = right.find((r) => subjectOf(r.node) === subjectOf(l.node));
    if (!match) continue;
    left.splice(left.indexOf(l), 1);
    right.splice(right.indexOf(match), 1);
    changes.push(...diffNode(l.node, match.node, [...path, match.i]));
  }
  for (const l of left) changes.push({ kind: 'removed', path: pointer([...path, l.i]), before: l.node });
  for (const r of right) changes.push({ kind: 'added', path: pointer([...path, r.i]), after: r.node });
  return changes;
};

/** What a condition is about: its operator and the field it reads (groups by operator alone). */
const subjectOf = (node: unknown): string => {
  const op = operatorOf(node);
  if (op === null) return stableStringify(node);
  const args = (node as Record<string, unknown>)[op];
  const first = Array.isArray(args) ? args.find((x) => x && typeof x === 'object' && 'var' in (x as object)) : undefined;
  return first ? `${op}:${stableStringify(first)}` : op;
};

export const diffRules = (before: unknown, after: unknown): RuleChange[] => diffNode(before, after, []);

/** The settings that differ (the parent by id; `rule` is compared apart). */
export const changedSettings = (before: VersionState, after: VersionState): VersionDiff['settings'] =>
  VERSION_FIELDS.filter((f) => (f === 'parent' ? (before.parent?.id ?? null) !== (after.parent?.id ?? null) : !same(before[f], after[f]))).map((field) => ({
    field,
    before: before[field],
    after: after[field],
  }));

/** The fields (and `rule`, as stored) of `after` that differ from `before`: what a version lists as changed. */
export const changedFields = (before: VersionState, after: VersionState): string[] => [
  ...changedSettings(before, after).map((s) => s.field),
  ...(same(before.rule, after.rule) ? [] : ['rule']),
];
