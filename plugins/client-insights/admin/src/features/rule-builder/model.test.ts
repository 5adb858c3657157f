import {
  fromRule,
  indent,
  moveDown,
  moveNode,
  nodeForPointer,
  outdent,
  removeNode,
  rootFromRule,
  shapeKey,
  toRule,
  updateNode,
  wrapInGroup,
  type Group,
} from './model';

const VIP = {
  and: [
    { '>=': [{ var: 'metrics.total_spent' }, 100000] },
    { in: [{ var: 'customer.stage' }, ['signed', 'in_service']] },
    { '!': [{ has_tag: ['complainer'] }] },
    { or: [{ '>=': [{ event_count: ['meeting_attended', 90] }, 2] }, { '<': [{ days_since: [{ var: 'metrics.last_order_at' }] }, 180] }] },
    { '<=': [1, { var: 'score.r' }, 3] },
    { in: ['Beijing', { var: 'customer.region' }] },
  ],
};

describe('builder model', () => {
  it('turns a rule into a tree and back unchanged', () => {
    expect(toRule(rootFromRule(VIP)).rule).toEqual(VIP);
  });

  it('maps JSON pointers of errors to the condition they concern', () => {
    const root = rootFromRule(VIP);
    const { pointers } = toRule(root);
    const or = root.children[3] as Group;
    expect(nodeForPointer(pointers, '/and/3/or/1/</1')).toBe(or.children[1].id);
    expect(nodeForPointer(pointers, '/and/2/!/0/has_tag/0')).toBe(root.children[2].id);
    expect(nodeForPointer(pointers, '')).toBe(root.id);
  });

  it('moves, indents, outdents and wraps without losing conditions', () => {
    let root = rootFromRule(VIP);
    const first = root.children[0].id;
    root = moveDown(root, first);
    expect(root.children[1].id).toBe(first);
    root = moveNode(root, first, root.children[3].id, 0); // into the OR group (now at index 3)
    expect((root.children[2] as Group).children[0].id).toBe(first);
    root = outdent(root, first);
    expect(root.children.map((c) => c.id)).toContain(first);
    root = wrapInGroup(root, first, 'or');
    const wrapped = root.children.find((c) => c.type === 'group' && c.children[0]?.id === first) as Group;
    expect(wrapped.op).toBe('or');
    const flat = JSON.stringify(toRule(root).rule);
    expect(flat).toContain('"metrics.total_spent"');
    // A group cannot move into itself.
    expect(moveNode(root, wrapped.id, wrapped.id, 0)).toBe(root);
    const idx = root.children.indexOf(wrapped);
    const next = root.children[idx + 1];
    expect(indent(root, next.id)).not.toBe(root);
  });

  it('refuses shapes it cannot show', () => {
    expect(() => fromRule({ '+': [1, 2] })).toThrow();
  });

  it('an edit keeps every untouched node the same object (so memoised rows skip their render)', () => {
    const root = rootFromRule(VIP);
    const or = root.children[3] as Group;
    const edited = updateNode(root, root.children[0].id, { value: 200000 });
    expect(edited).not.toBe(root);
    expect(edited.children[0]).not.toBe(root.children[0]);
    root.children.slice(1).forEach((child, i) => expect(edited.children[i + 1]).toBe(child));
    // Inside a nested group: only the groups on the path change.
    const inner = updateNode(root, or.children[0].id, { value: 3 });
    expect(inner.children[3]).not.toBe(or);
    expect((inner.children[3] as Group).children[1]).toBe(or.children[1]);
    expect(inner.children[0]).toBe(root.children[0]);
    // No change, same tree.
    expect(updateNode(root, root.children[0].id, { value: 100000 })).toBe(root);
    expect(removeNode(root, 'no-such-node')).toBe(root);
  });

  it('the shape key ignores values and follows structure', () => {
    const root = rootFromRule(VIP);
    expect(shapeKey(updateNode(root, root.children[0].id, { value: 1 }))).toBe(shapeKey(root));
    expect(shapeKey(updateNode(root, root.children[0].id, { not: true }))).not.toBe(shapeKey(root));
    expect(shapeKey(moveDown(root, root.children[0].id))).not.toBe(shapeKey(root));
  });
});
