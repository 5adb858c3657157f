/**
 * The canonical form of a rule (see index.ts): equivalent rules written differently give the same
 * JSON, hence the same fingerprint (`duplicate` warnings).
 */
import crypto from 'crypto';
import { operandToLogic, type Operand, type RuleNode } from '../ast';
import { parseRuleOrThrow } from '../validate';
import { compareSet, intersect, isDatetime, isEmpty, operandKey, union, type Bound, type Value, type ValueSet } from './value-sets';

const literalJson = (o: Operand, l: Value | null) => (typeof l === 'number' && isDatetime(o) ? new Date(l).toISOString() : l);

/** JSON with object keys sorted, so equal structures give equal text. */
export const stableStringify = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};

/** A canonical item: its JSON, and when it is a plain positive constraint, the constraint (for merging). */
type Item = { json: unknown; constraint?: { operand: Operand; set: ValueSet } };

const sortValues = (values: Value[]) =>
  [...new Set(values)].sort((x, y) => (typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === 'number' ? -1 : 1));

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

/** The negation of a canonical item's JSON (`==` ↔ `!=`, `!!x` → `x`). */
export const negateJson = (json: unknown): unknown => {
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
      return uniqueItems(
        mergeConstraints(
          'and',
          node.args.flatMap((child) => canonItems(child).flatMap((i) => spread(i, 'and')))
        )
      );
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
export const fingerprint = (rule: unknown): string =>
  crypto
    .createHash('sha256')
    .update(stableStringify(canonicalForm(rule)))
    .digest('hex');
