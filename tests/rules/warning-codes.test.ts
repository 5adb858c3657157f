import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client } from '../segments/helpers';

/**
 * Warnings carry a `code` and `params` the admin words in the user's language (issue 12 item 9):
 * the conditions as data (field path, operator, literals, datetimes as ISO text), the segment a
 * duplicate repeats; the English `message` and `suggestion` stay for API clients.
 */
const v = (path: string) => ({ var: path });

describe('rule warnings carry a code and parameters', () => {
  let app: TestApp;
  let admin: ReturnType<typeof client>;
  const warningsOf = async (rule: unknown, path = '/client-insights/rules/preview') => {
    const res = await admin('POST', path, { rule });
    expect(res.status).toBe(200);
    return res.body.data.warnings as any[];
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = client(app, await adminSession(app));
    await admin('POST', '/client-insights/segments', { name: '高消费客户', key: 'big-spenders', rule: { '>': [v('metrics.total_spent'), 100000] } });
    // has_tag names an existing tag (a rule naming an unknown or hidden tag is refused).
    await admin('POST', '/client-insights/tags', { name: 'VIP', slug: 'vip', category: 'value' });
  });
  afterAll(async () => app?.stop());

  it('a contradicting pair names both conditions as data, in the order of their pointers', async () => {
    const rule = { and: [{ '>': [v('metrics.total_spent'), 100000] }, { '<': [v('metrics.total_spent'), 5000] }, { '==': [v('customer.language'), 'zh-CN'] }] };
    for (const path of ['/client-insights/rules/preview', '/client-insights/rules/validate']) {
      const [w] = (await warningsOf(rule, path)).filter((x) => x.kind === 'contradiction');
      expect(w).toMatchObject({
        kind: 'contradiction',
        code: 'contradiction.pair',
        path: '',
        conditions: ['/and/0', '/and/1'],
        params: {
          conditions: [
            { subject: 'field', path: 'metrics.total_spent', op: '>', values: [100000], not: false },
            { subject: 'field', path: 'metrics.total_spent', op: '<', values: [5000], not: false },
          ],
        },
      });
      // The English text stays for API clients.
      expect(w.message).toContain('metrics.total_spent > 100000');
      expect(w.suggestion).toEqual(expect.any(String));
    }
  });

  it('single conditions, negations, windows, datetimes and groups', async () => {
    const empty = await warningsOf({ '<': [10, v('metrics.order_count'), 5] });
    expect(empty.find((w) => w.code === 'contradiction.single').params.conditions).toEqual([
      { subject: 'field', path: 'metrics.order_count', op: 'between_exclusive', values: [10, 5], not: false },
    ]);
    const everyone = await warningsOf({ or: [{ '>=': [{ order_count: [90] }, 1] }, { '!': [{ '>=': [{ order_count: [90] }, 1] }] }] });
    expect(everyone.find((w) => w.code === 'always_true.pair').params.conditions).toEqual([
      { subject: 'order_count', days: 90, op: '>=', values: [1], not: false },
      { subject: 'order_count', days: 90, op: '>=', values: [1], not: true },
    ]);
    const dated = await warningsOf({
      and: [{ '>': [v('customer.created_at'), '2025-06-01T00:00:00.000Z'] }, { '<': [v('customer.created_at'), '2025-01-01T00:00:00.000Z'] }],
    });
    expect(dated.find((w) => w.code === 'contradiction.pair').params.conditions.map((c: any) => c.values[0])).toEqual([
      '2025-06-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ]);
    const branch = { or: [{ has_tag: ['vip'] }, { '>=': [{ event_count: ['email_open', 30] }, 2] }] };
    const groups = await warningsOf({ and: [branch, { '!': [branch] }] });
    expect(groups.find((w) => w.code === 'contradiction.pair').params.conditions).toEqual([
      { subject: 'group', op: 'or', values: [], not: false, size: 2 },
      { subject: 'group', op: 'or', values: [], not: true, size: 2 },
    ]);
  });

  it('a duplicate names the segment it repeats; an empty preview says so', async () => {
    const dup = (await warningsOf({ and: [{ '>': [v('metrics.total_spent'), 100000] }] })).find((w) => w.kind === 'duplicate');
    expect(dup).toMatchObject({ code: 'duplicate', params: { segment: { key: 'big-spenders', name: '高消费客户' } } });
    const nobody = (await warningsOf({ '==': [v('customer.name'), 'nobody-has-this-name'] })).find((w) => w.kind === 'empty');
    expect(nobody).toMatchObject({ code: 'empty', params: {} });
  });
});
