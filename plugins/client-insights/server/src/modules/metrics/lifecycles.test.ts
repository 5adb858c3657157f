import { relationIds } from './lifecycles';

describe('relationIds', () => {
  it('reads every relation payload shape the entity manager receives', () => {
    expect(relationIds(5)).toEqual([5]);
    expect(relationIds('7')).toEqual([7]);
    expect(relationIds('abc-doc-id')).toEqual([]);
    expect(relationIds([1, { id: 2 }])).toEqual([1, 2]);
    expect(relationIds({ set: [{ id: 3 }] })).toEqual([3]);
    expect(relationIds({ connect: [{ id: 4, position: { end: true } }], disconnect: [5] })).toEqual([4, 5]);
    expect(relationIds(null)).toEqual([]);
    expect(relationIds(undefined)).toEqual([]);
    expect(relationIds(1.5)).toEqual([]);
  });
});
