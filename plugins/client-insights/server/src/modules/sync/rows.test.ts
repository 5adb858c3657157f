import { diffPage, fingerprint, keyOf, keyRow, type KeyedRow } from './rows';

const tag = (customer: number, tagId: number, source = 'manual'): KeyedRow => {
  const row = { customer_id: customer, tag_id: tagId, tag_name: 'vip', source, confidence: null, assigned_at: '2026-01-01T00:00:00.000Z', expires_at: null };
  return { key: keyOf('tags', row), customerId: customer, row };
};

describe('what a page sends against the ledger', () => {
  it('upserts new and changed rows, deletes keys gone from the source, leaves equal rows alone', () => {
    const same = tag(1, 1);
    const changed = tag(1, 2, 'rule');
    const fresh = tag(2, 1);
    const ledger = new Map([
      [same.key, fingerprint(same.row)],
      [changed.key, fingerprint(tag(1, 2).row)],
      ['3:1', 'gone'],
    ]);
    const { upserts, deletes } = diffPage([same, changed, fresh], ledger);
    expect(upserts.map((u) => u.key)).toEqual(['1:2', '2:1']);
    expect(upserts[0].fingerprint).toBe(fingerprint(changed.row));
    expect(deletes).toEqual(['3:1']);
    expect(keyRow('tags', '3:1')).toEqual({ customer_id: 3, tag_id: 1 });
    expect(keyRow('members', '7:9')).toEqual({ segment_id: 7, customer_id: 9 });
  });

  it('an empty source deletes everything the ledger holds; an empty ledger sends everything', () => {
    expect(diffPage([], new Map([['1:1', 'x']]))).toEqual({ upserts: [], deletes: ['1:1'] });
    expect(diffPage([tag(1, 1)], new Map()).upserts).toHaveLength(1);
  });

  it('fingerprints a row by its values, so the same row reads the same on every database', () => {
    expect(fingerprint({ a: 1, b: null })).toBe(fingerprint({ a: 1, b: null }));
    expect(fingerprint({ a: 1, b: null })).not.toBe(fingerprint({ a: 1, b: 0 }));
    expect(fingerprint({ a: 1 })).toHaveLength(43);
  });
});
