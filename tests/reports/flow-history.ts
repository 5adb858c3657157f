import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import type { SegmentSpec } from './dataset';

/**
 * A small hand-made history for the flow and monitoring tests: customers entering and leaving two
 * segments around February 2026 (UTC), with the edge cases of the definition (an enter exactly at
 * the start instant, an exit exactly at the end instant, a member of both, a member from before
 * events were kept), and the independent computation of who was where.
 */
const at = (iso: string) => Date.parse(iso);
export const START = at('2026-02-01T00:00:00Z');
export const END = at('2026-03-01T00:00:00Z');
export const CUSTOMERS = 9;

export const SEGMENTS: SegmentSpec[] = [
  {
    key: 'flow-a',
    events: [
      { customer: 0, at: at('2026-01-10T00:00:00Z'), kind: 'enter' }, // A → A
      { customer: 1, at: at('2026-01-10T00:00:00Z'), kind: 'enter' }, // A → B (moves mid-period)
      { customer: 1, at: at('2026-02-10T00:00:00Z'), kind: 'exit' },
      { customer: 3, at: at('2026-01-01T00:00:00Z'), kind: 'enter' }, // in A and B at the start, A only at the end
      { customer: 6, at: START, kind: 'enter' }, // enters at the start instant: none at the start
      { customer: 7, at: at('2026-01-01T00:00:00Z'), kind: 'enter' }, // leaves at the end instant: still A at the end
      { customer: 7, at: END, kind: 'exit' },
      { customer: 8, at: at('2026-02-03T00:00:00Z'), kind: 'enter' }, // in and out within the period: none → none
      { customer: 8, at: at('2026-02-04T00:00:00Z'), kind: 'exit' },
    ],
    current: [0, 3, 6],
  },
  {
    key: 'flow-b',
    events: [
      { customer: 1, at: at('2026-02-12T00:00:00Z'), kind: 'enter' },
      { customer: 2, at: at('2026-02-05T00:00:00Z'), kind: 'enter' }, // none → B
      { customer: 3, at: at('2026-01-01T00:00:00Z'), kind: 'enter' },
      { customer: 3, at: at('2026-02-20T00:00:00Z'), kind: 'exit' },
    ],
    current: [1, 2, 4], // 4: a member from before events were kept (B → B); 5 is in nothing
  },
];

/** Whether the customer was in the segment just before instant `t`: the last of their events before `t` is an enter, or they are a member with no events. */
export const heldAt = (spec: SegmentSpec, customer: number, t: number) => {
  const events = spec.events.filter((e) => e.customer === customer);
  if (events.length === 0) return spec.current.includes(customer);
  const before = events.filter((e) => e.at < t);
  return before.length > 0 && before[before.length - 1].kind === 'enter';
};

/** Expected links `source→target` (segment keys or none): every (start, end) pair of each customer. */
export const expectedLinks = (specs: SegmentSpec[], customers: number, start: number, end: number) => {
  const links = new Map<string, number[]>();
  for (let c = 0; c < customers; c += 1) {
    const where = (t: number) => {
      const keys = specs.filter((s) => heldAt(s, c, t)).map((s) => s.key);
      return keys.length ? keys : ['none'];
    };
    for (const a of where(start)) for (const b of where(end)) links.set(`${a}→${b}`, [...(links.get(`${a}→${b}`) ?? []), c]);
  }
  return links;
};

/** Customers with known contact data, created long before the history. */
export const insertCustomers = async (knex: Knex, strapi: any, n: number): Promise<number[]> => {
  const ids: number[] = [];
  for (let c = 0; c < n; c += 1) {
    const doc = await strapi.documents('api::customer.customer').create({ data: { name: `Flow ${c}`, email: `flow${c}@example.com`, stage: 'signed' } });
    ids.push(Number(doc.id));
  }
  await knex('customers')
    .whereIn('id', ids)
    .update({ created_at: bindDate(knex, new Date(Date.UTC(2024, 0, 1))) });
  return ids;
};
