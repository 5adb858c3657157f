import type { Rule } from '../rules/types';
import type { SegmentRow } from './repository';
import type { TreeNode } from '../../../../shared/contracts/segments';
import type { FieldError } from '../../../../shared/errors';

/** Deepest allowed chain: a root is depth 1. */
export const MAX_DEPTH = 5;

export type HierarchyError = FieldError;

type Node = Pick<SegmentRow, 'id' | 'key' | 'type' | 'rule' | 'parentId'>;

/** Root first, the segment itself last. Stops at a broken or cyclic chain (refused on write anyway). */
export const ancestry = <N extends Node>(segment: N, byId: Map<number, N>): N[] => {
  const chain: N[] = [segment];
  const seen = new Set([segment.id]);
  let parentId = segment.parentId;
  while (parentId !== null && byId.has(parentId) && !seen.has(parentId)) {
    const parent = byId.get(parentId)!;
    chain.unshift(parent);
    seen.add(parent.id);
    parentId = parent.parentId;
  }
  return chain;
};

/**
 * The rule a segment's members satisfy: every ancestor's rule AND its own, so a child is always a
 * subset of its parent. A static ancestor contributes its frozen membership (`in_segment`), since
 * its rule no longer describes who is in it.
 */
export const effectiveRule = (segment: Node, byId: Map<number, Node>): Rule => {
  const parts = ancestorRules(segment, byId);
  return parts.length === 0 ? segment.rule : { and: [...parts, segment.rule] };
};

/** What the ancestors contribute to effectiveRule, root first (none for a root). */
export const ancestorRules = (segment: Node, byId: Map<number, Node>): Rule[] =>
  ancestry(segment, byId)
    .slice(0, -1)
    .map((a) => (a.type === 'static' ? { in_segment: [a.key] } : a.rule));

const height = (id: number, children: Map<number, number[]>, seen = new Set<number>()): number => {
  if (seen.has(id)) return 0;
  seen.add(id);
  return 1 + Math.max(0, ...(children.get(id) ?? []).map((c) => height(c, children, seen)));
};

/**
 * Refuses a placement (create or update of `candidate`) that would make a parent chain deeper than
 * MAX_DEPTH, or a cycle through parents and `in_segment` references, or reference an unknown segment.
 */
export const checkPlacement = (candidate: Node, segments: Node[], referencedKeys: (rule: Rule) => string[]): HierarchyError[] => {
  const errors: HierarchyError[] = [];
  const nodes = new Map<number, Node>(segments.map((s) => [s.id, s]));
  nodes.set(candidate.id, candidate);
  const byKey = new Map([...nodes.values()].map((s) => [s.key, s]));

  if (candidate.parentId !== null) {
    if (!nodes.has(candidate.parentId) || candidate.parentId === candidate.id) {
      errors.push({
        path: '/parent',
        message: candidate.parentId === candidate.id ? 'a segment cannot be its own parent' : `parent segment ${candidate.parentId} does not exist`,
      });
      return errors;
    }
    const chain: string[] = [candidate.key];
    let id: number | null = candidate.parentId;
    while (id !== null) {
      const node = nodes.get(id);
      if (!node) break;
      chain.push(node.key);
      if (node.id === candidate.id) {
        errors.push({ path: '/parent', message: `parent cycle: ${chain.reverse().join(' → ')}` });
        return errors;
      }
      id = node.parentId;
    }
    const children = new Map<number, number[]>();
    for (const n of nodes.values()) if (n.parentId !== null) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n.id]);
    const depth = chain.length - 1 + height(candidate.id, children);
    if (depth > MAX_DEPTH) errors.push({ path: '/parent', message: `hierarchy would be ${depth} levels deep; at most ${MAX_DEPTH} are allowed` });
  }

  for (const key of referencedKeys(candidate.rule)) {
    if (!byKey.has(key)) errors.push({ path: '/rule', message: `in_segment refers to unknown segment "${key}"` });
  }
  if (errors.length) return errors;

  // Dependencies: a segment needs its parent and every segment its own rule names.
  const deps = (n: Node): Node[] => [
    ...(n.parentId !== null && nodes.has(n.parentId) ? [nodes.get(n.parentId)!] : []),
    ...referencedKeys(n.rule)
      .map((k) => byKey.get(k))
      .filter((x): x is Node => Boolean(x)),
  ];
  const path: string[] = [];
  const visiting = new Set<number>();
  const done = new Set<number>();
  const visit = (n: Node): string[] | null => {
    if (visiting.has(n.id)) return [...path.slice(path.indexOf(n.key)), n.key];
    if (done.has(n.id)) return null;
    visiting.add(n.id);
    path.push(n.key);
    for (const d of deps(n)) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    path.pop();
    visiting.delete(n.id);
    done.add(n.id);
    return null;
  };
  const cycle = visit(candidate);
  if (cycle) errors.push({ path: '/rule', message: `segment dependency cycle (parents and in_segment): ${cycle.join(' → ')}` });
  return errors;
};

/** Segments ordered so that every segment comes after the segments it depends on. */
export const dependencyOrder = <N extends Node>(segments: N[], referencedKeys: (rule: Rule) => string[]): N[] => {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const out: N[] = [];
  const done = new Set<number>();
  const visit = (n: N, stack: Set<number>) => {
    if (done.has(n.id) || stack.has(n.id)) return;
    stack.add(n.id);
    const deps = [
      ...(n.parentId !== null && byId.has(n.parentId) ? [byId.get(n.parentId)!] : []),
      ...referencedKeys(n.rule)
        .map((k) => byKey.get(k))
        .filter((x): x is N => Boolean(x)),
    ];
    for (const d of deps) visit(d, stack);
    stack.delete(n.id);
    done.add(n.id);
    out.push(n);
  };
  for (const s of segments) visit(s, new Set());
  return out;
};

/** A node of the segment tree, as the API shows it (shared/contracts/segments.ts). */
export type { TreeNode };

export const buildTree = (segments: SegmentRow[]): TreeNode[] => {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const nodes = new Map<number, TreeNode>();
  for (const s of segments) {
    const path = ancestry(s, byId).map((a) => a.key);
    nodes.set(s.id, {
      id: s.id,
      documentId: s.documentId,
      key: s.key,
      name: s.name,
      type: s.type,
      status: s.status,
      memberCount: s.memberCount,
      depth: path.length,
      path,
      children: [],
    });
  }
  const roots: TreeNode[] = [];
  for (const s of segments) {
    const node = nodes.get(s.id)!;
    const parent = s.parentId !== null ? nodes.get(s.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
};
