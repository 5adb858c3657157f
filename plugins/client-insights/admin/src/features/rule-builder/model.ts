/**
 * The builder's editable tree and its translation to and from the rule language (docs/rules.md).
 * Pure functions: the React components only call these.
 */
import { pointer as pointerOf } from '../../../../shared/errors';

export type Subject =
  | { kind: 'field'; path: string }
  /** {"<": [{"days_since": [{"var": path}]}, N]} and friends: "last N days" on a datetime field. */
  | { kind: 'days_since'; path: string }
  | { kind: 'tag' }
  | { kind: 'segment' }
  | { kind: 'event_count'; eventType: string; days: number | null }
  | { kind: 'order_count'; days: number | null }
  | { kind: 'order_total'; days: number | null };

export type Condition = { id: string; type: 'condition'; subject: Subject; op: string; value: unknown; not: boolean };
export type Group = { id: string; type: 'group'; op: 'and' | 'or'; not: boolean; children: Node[] };
export type Node = Condition | Group;

let counter = 0;
export const newId = () => `n${(counter += 1)}`;

export const emptyGroup = (op: 'and' | 'or' = 'and'): Group => ({ id: newId(), type: 'group', op, not: false, children: [] });

/** Operators the builder offers per subject; names follow the catalogue (between, contains, …). */
export const COMPARISON = ['==', '!=', '>', '>=', '<', '<=', 'between'];
export const operatorsFor = (subject: Subject, fieldOperators: string[] = []): string[] => {
  switch (subject.kind) {
    case 'field': {
      const ops = fieldOperators.filter((op) => !['===', '!==', 'days_since'].includes(op));
      // Datetime fields also get the "last N days" pickers (days_since).
      return fieldOperators.includes('days_since') ? ['within_days', 'before_days', ...ops] : ops;
    }
    case 'days_since':
      return ['==', '>', '>=', '<', '<='];
    case 'tag':
      return ['has_tag'];
    case 'segment':
      return ['in_segment'];
    default:
      return COMPARISON;
  }
};

/** A sensible starting operator and value when a subject is dropped in. */
export const newCondition = (subject: Subject, fieldType?: string): Condition => {
  const op =
    subject.kind === 'field'
      ? fieldType === 'string' || fieldType === 'enum'
        ? '=='
        : fieldType === 'datetime'
          ? 'within_days'
          : '>='
      : subject.kind === 'days_since'
        ? '<'
        : subject.kind === 'tag'
          ? 'has_tag'
          : subject.kind === 'segment'
            ? 'in_segment'
            : '>=';
  const value = op === 'within_days' || op === '<' ? 30 : op === '>=' ? 1 : null;
  return { id: newId(), type: 'condition', subject, op, value, not: false };
};

// ---------------------------------------------------------------------------------------------
// Tree → rule (with the JSON pointer of every node, so errors can be shown where they belong)

export type Pointers = Map<string, string>; // JSON pointer → node id

const subjectValue = (s: Subject): unknown => {
  switch (s.kind) {
    case 'field':
      return { var: s.path };
    case 'days_since':
      return { days_since: [{ var: s.path }] };
    case 'event_count':
      return { event_count: [s.eventType, s.days] };
    case 'order_count':
      return { order_count: [s.days] };
    case 'order_total':
      return { order_total: [s.days] };
    default:
      return null;
  }
};

/** "Last N days" on a datetime field reads days_since of it. */
const daysSince = (s: Subject) => (s.kind === 'field' ? { days_since: [{ var: s.path }] } : subjectValue(s));

const conditionRule = (c: Condition): { rule: unknown; op: string } => {
  const left = subjectValue(c.subject);
  switch (c.op) {
    case 'has_tag':
      return { rule: { has_tag: [c.value] }, op: 'has_tag' };
    case 'in_segment':
      return { rule: { in_segment: [c.value] }, op: 'in_segment' };
    case 'within_days':
      return { rule: { '<': [daysSince(c.subject), c.value] }, op: '<' };
    case 'before_days':
      return { rule: { '>=': [daysSince(c.subject), c.value] }, op: '>=' };
    case 'between': {
      const [low, high] = Array.isArray(c.value) ? c.value : [null, null];
      return { rule: { '<=': [low, left, high] }, op: '<=' };
    }
    case 'between_exclusive': {
      const [low, high] = Array.isArray(c.value) ? c.value : [null, null];
      return { rule: { '<': [low, left, high] }, op: '<' };
    }
    case 'contains':
      return { rule: { in: [c.value, left] }, op: 'in' };
    case 'in':
      return { rule: { in: [left, Array.isArray(c.value) ? c.value : []] }, op: 'in' };
    default:
      return { rule: { [c.op]: [left, c.value] }, op: c.op };
  }
};

/** The rule for a tree, and which JSON pointer belongs to which node. */
export const toRule = (node: Node, pointer = '', pointers: Pointers = new Map()): { rule: unknown; pointers: Pointers } => {
  pointers.set(pointer, node.id);
  const inner = node.not ? `${pointer}/!/0` : pointer;
  let rule: unknown;
  if (node.type === 'group') {
    const key = node.op;
    rule = { [key]: node.children.map((child, i) => toRule(child, `${inner}${pointerOf([key, i])}`, pointers).rule) };
  } else {
    rule = conditionRule(node).rule;
  }
  if (node.not) pointers.set(inner, node.id);
  return { rule: node.not ? { '!': [rule] } : rule, pointers };
};

/** The node an error's JSON pointer concerns: the deepest node whose pointer prefixes it. */
export const nodeForPointer = (pointers: Pointers, path: string): string | undefined => {
  let p = path;
  for (;;) {
    const id = pointers.get(p);
    if (id) return id;
    if (p === '') return undefined;
    p = p.slice(0, Math.max(0, p.lastIndexOf('/')));
  }
};

// ---------------------------------------------------------------------------------------------
// Rule → tree (for saved rules, links and the JSON view). Shapes the builder cannot show throw.

export class UnsupportedRule extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const single = (v: unknown): [string, unknown[]] => {
  if (!isObj(v) || Object.keys(v).length !== 1) throw new UnsupportedRule('expected an object with one operator');
  const [key] = Object.keys(v);
  const args = v[key];
  return [key, Array.isArray(args) ? args : [args]];
};

const parseSubject = (v: unknown): Subject | null => {
  if (!isObj(v)) return null;
  const [key, args] = single(v);
  if (key === 'var' && typeof args[0] === 'string') return { kind: 'field', path: args[0] };
  if (key === 'days_since') {
    const inner = parseSubject(args[0]);
    if (inner?.kind === 'field') return { kind: 'days_since', path: inner.path };
  }
  if (key === 'event_count') return { kind: 'event_count', eventType: String(args[0]), days: (args[1] ?? null) as number | null };
  if (key === 'order_count') return { kind: 'order_count', days: (args[0] ?? null) as number | null };
  if (key === 'order_total') return { kind: 'order_total', days: (args[0] ?? null) as number | null };
  return null;
};

const cond = (subject: Subject, op: string, value: unknown): Condition => ({ id: newId(), type: 'condition', subject, op, value, not: false });

export const fromRule = (rule: unknown): Node => {
  const [key, args] = single(rule);
  if (key === 'and' || key === 'or') {
    return { id: newId(), type: 'group', op: key, not: false, children: args.map(fromRule) };
  }
  if (key === '!') {
    const node = fromRule(args[0]);
    if (node.not) return { id: newId(), type: 'group', op: 'and', not: true, children: [node] };
    return { ...node, not: true };
  }
  if (key === 'has_tag') return cond({ kind: 'tag' }, 'has_tag', args[0]);
  if (key === 'in_segment') return cond({ kind: 'segment' }, 'in_segment', args[0]);
  if (key === 'in') {
    const asField = parseSubject(args[0]);
    if (asField && Array.isArray(args[1])) return cond(asField, 'in', args[1]);
    const container = parseSubject(args[1]);
    if (container && typeof args[0] === 'string') return cond(container, 'contains', args[0]);
    throw new UnsupportedRule('unsupported "in"');
  }
  const op = key === '===' ? '==' : key === '!==' ? '!=' : key;
  if (['==', '!=', '>', '>=', '<', '<='].includes(op)) {
    if (args.length === 3 && (op === '<=' || op === '<')) {
      const subject = parseSubject(args[1]);
      if (!subject) throw new UnsupportedRule('unsupported range');
      return cond(subject, op === '<=' ? 'between' : 'between_exclusive', [args[0], args[2]]);
    }
    const subject = parseSubject(args[0]);
    if (!subject) throw new UnsupportedRule(`unsupported operand of "${key}"`);
    if (subject.kind === 'days_since' && op === '<') return cond({ kind: 'field', path: subject.path }, 'within_days', args[1]);
    if (subject.kind === 'days_since' && op === '>=') return cond({ kind: 'field', path: subject.path }, 'before_days', args[1]);
    return cond(subject, op, args[1]);
  }
  throw new UnsupportedRule(`operator "${key}" is not shown by the builder`);
};

/** The builder always edits a group at the top. */
export const rootFromRule = (rule: unknown): Group => {
  const node = fromRule(rule);
  return node.type === 'group' && !node.not ? node : { id: newId(), type: 'group', op: 'and', not: false, children: [node] };
};

// ---------------------------------------------------------------------------------------------
// Tree edits (immutable)

export const findNode = (root: Node, id: string): Node | undefined => {
  if (root.id === id) return root;
  if (root.type === 'group')
    for (const c of root.children) {
      const hit = findNode(c, id);
      if (hit) return hit;
    }
  return undefined;
};

/** The group holding `id` and its index there. */
export const findParent = (root: Group, id: string): { parent: Group; index: number } | undefined => {
  const index = root.children.findIndex((c) => c.id === id);
  if (index >= 0) return { parent: root, index };
  for (const c of root.children) {
    if (c.type === 'group') {
      const hit = findParent(c, id);
      if (hit) return hit;
    }
  }
  return undefined;
};

/**
 * Applies `fn` bottom-up. A group whose children all come back unchanged is itself kept (same
 * object), so an edit of one condition changes only the groups on its path: the memoised rows
 * and groups of the rest of the tree skip their render.
 */
const mapTree = (node: Node, fn: (n: Node) => Node): Node => {
  if (node.type !== 'group') return fn(node);
  const children = node.children.map((c) => mapTree(c, fn));
  const same = children.every((c, i) => c === node.children[i]);
  return fn(same ? node : { ...node, children });
};

export const updateNode = (root: Group, id: string, patch: Partial<Condition> | Partial<Group>): Group =>
  mapTree(root, (n) => (n.id === id && Object.entries(patch).some(([k, v]) => n[k as keyof Node] !== v) ? ({ ...n, ...patch } as Node) : n)) as Group;

export const removeNode = (root: Group, id: string): Group =>
  mapTree(root, (n) => (n.type === 'group' && n.children.some((c) => c.id === id) ? { ...n, children: n.children.filter((c) => c.id !== id) } : n)) as Group;

export const insertNode = (root: Group, groupId: string, index: number, node: Node): Group =>
  mapTree(root, (n) => {
    if (n.id !== groupId || n.type !== 'group') return n;
    const children = [...n.children];
    children.splice(Math.max(0, Math.min(index, children.length)), 0, node);
    return { ...n, children };
  }) as Group;

/** Moves a node to `groupId` at `index`; refuses to put a group inside itself. */
export const moveNode = (root: Group, id: string, groupId: string, index: number): Group => {
  const node = findNode(root, id);
  const from = findParent(root, id);
  if (!node || !from) return root;
  if (node.type === 'group' && findNode(node, groupId)) return root;
  // Removing first shifts later positions in the same group.
  const target = from.parent.id === groupId && from.index < index ? index - 1 : index;
  return insertNode(removeNode(root, id), groupId, target, node);
};

/** Keyboard moves: up/down among siblings, out of the group, into the previous sibling group, wrap into a new group. */
export const moveUp = (root: Group, id: string) => {
  const at = findParent(root, id);
  return at && at.index > 0 ? moveNode(root, id, at.parent.id, at.index - 1) : root;
};
export const moveDown = (root: Group, id: string) => {
  const at = findParent(root, id);
  return at && at.index < at.parent.children.length - 1 ? moveNode(root, id, at.parent.id, at.index + 2) : root;
};
export const outdent = (root: Group, id: string) => {
  const at = findParent(root, id);
  if (!at) return root;
  const outer = findParent(root, at.parent.id);
  return outer ? moveNode(root, id, outer.parent.id, outer.index + 1) : root;
};
export const indent = (root: Group, id: string) => {
  const at = findParent(root, id);
  if (!at || at.index === 0) return root;
  const prev = at.parent.children[at.index - 1];
  if (prev.type !== 'group') return root;
  return moveNode(root, id, prev.id, prev.children.length);
};
export const wrapInGroup = (root: Group, id: string, op: 'and' | 'or' = 'or'): Group => {
  const node = findNode(root, id);
  const at = findParent(root, id);
  if (!node || !at) return root;
  const group: Group = { id: newId(), type: 'group', op, not: false, children: [node] };
  return mapTree(root, (n) =>
    n.type === 'group' && n.id === at.parent.id ? { ...n, children: n.children.map((c) => (c.id === id ? group : c)) } : n
  ) as Group;
};

export const countConditions = (node: Node): number => (node.type === 'group' ? node.children.reduce((sum, c) => sum + countConditions(c), 0) : 1);

/** The tree's shape (ids, group operators, negations, order) without values: what the JSON pointers depend on. */
export const shapeKey = (node: Node): string =>
  `${node.id}${node.not ? '!' : ''}${node.type === 'group' ? `${node.op}(${node.children.map(shapeKey).join(',')})` : ''}`;
