import { buildTree, checkPlacement, dependencyOrder, effectiveRule } from './hierarchy';
import type { SegmentRow } from './repository';

const refs = (rule: any): string[] => (rule && rule.in_segment ? [rule.in_segment[0]] : rule?.and ? rule.and.flatMap(refs) : []);
const seg = (
  id: number,
  key: string,
  parentId: number | null,
  rule: unknown = { '==': [{ var: 'customer.stage' }, key] },
  type: 'dynamic' | 'static' = 'dynamic'
) => ({ id, key, parentId, rule, type, documentId: `d${id}`, name: key, status: 'active', memberCount: id * 10 }) as unknown as SegmentRow;

describe('hierarchy', () => {
  const a = seg(1, 'a', null);
  const b = seg(2, 'b', 1);
  const c = seg(3, 'c', 2);
  const all = [a, b, c];

  it('ANDs every ancestor rule, root first; a static ancestor contributes its frozen membership', () => {
    const byId = new Map(all.map((s) => [s.id, s]));
    expect(effectiveRule(c, byId)).toEqual({ and: [a.rule, b.rule, c.rule] });
    expect(effectiveRule(a, byId)).toBe(a.rule);
    const frozen = seg(1, 'a', null, a.rule, 'static');
    expect(
      effectiveRule(
        b,
        new Map([
          [1, frozen],
          [2, b],
        ])
      )
    ).toEqual({ and: [{ in_segment: ['a'] }, b.rule] });
  });

  it('limits depth to 5, counting the subtree being moved', () => {
    const chain = [a, b, c, seg(4, 'd', 3), seg(5, 'e', 4)];
    expect(checkPlacement(seg(6, 'f', 4), chain, refs)).toEqual([]);
    expect(checkPlacement(seg(6, 'f', 5), chain, refs)[0].message).toMatch(/6 levels deep/);
    // Moving b (with c, d, e below it: height 4) under a fresh root x: 1 + 4 + 1 = 6.
    const x = seg(7, 'x', null);
    const y = seg(8, 'y', 7);
    expect(checkPlacement({ ...b, parentId: 8 }, [...chain, x, y], refs)[0].message).toMatch(/6 levels deep/);
  });

  it('refuses parent cycles and in_segment cycles, naming the path', () => {
    expect(checkPlacement({ ...a, parentId: 3 }, all, refs)[0].message).toBe('parent cycle: a → b → c → a');
    expect(checkPlacement({ ...a, parentId: 1 }, all, refs)[0].message).toMatch(/own parent/);
    expect(checkPlacement({ ...a, rule: { in_segment: ['c'] } }, all, refs)[0].message).toBe(
      'segment dependency cycle (parents and in_segment): a → c → b → a'
    );
    expect(checkPlacement({ ...a, rule: { in_segment: ['a'] } }, all, refs)[0].message).toMatch(/a → a/);
    expect(checkPlacement({ ...a, rule: { in_segment: ['zz'] } }, all, refs)).toEqual([
      { path: '/rule', message: 'in_segment refers to unknown segment "zz"' },
    ]);
    expect(checkPlacement(seg(9, 'n', 3, { in_segment: ['a'] }), all, refs)).toEqual([]);
  });

  it('orders segments after their dependencies', () => {
    const uses = seg(10, 'uses-c', null, { in_segment: ['c'] });
    const order = dependencyOrder([uses, c, b, a], refs).map((s) => s.key);
    expect(order).toEqual(['a', 'b', 'c', 'uses-c']);
  });

  it('builds a tree with paths and counts', () => {
    const [root] = buildTree(all);
    expect(root).toMatchObject({ key: 'a', depth: 1, path: ['a'], memberCount: 10 });
    expect(root.children[0].children[0]).toMatchObject({ key: 'c', depth: 3, path: ['a', 'b', 'c'], memberCount: 30 });
  });
});
