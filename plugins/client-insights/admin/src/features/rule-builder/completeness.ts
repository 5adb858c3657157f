import type { Node } from './model';

const missing = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Nodes the user has not finished (no value yet, empty group): the preview waits for them. */
export const unfinishedNodes = (node: Node, out: Map<string, 'value' | 'empty'> = new Map()) => {
  if (node.type === 'group') {
    if (node.children.length === 0) out.set(node.id, 'empty');
    node.children.forEach((c) => unfinishedNodes(c, out));
  } else {
    const v = node.value;
    const bad = Array.isArray(v) ? v.length === 0 || v.some(missing) : missing(v);
    if (bad) out.set(node.id, 'value');
  }
  return out;
};
