/**
 * The acceptance cases for the rule engine, on hand-built data written the way the
 * admin and REST API write it (Document Service), with the metrics rollup rebuilt by the plugin.
 */
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { countQuery, matchQuery } from '../../plugins/client-insights/server/src/modules/rules/compile';
import { compileEvaluator } from '../../plugins/client-insights/server/src/modules/rules/evaluate';
import { loadFacts } from '../../plugins/client-insights/server/src/modules/rules/facts';
import { validateRule } from '../../plugins/client-insights/server/src/modules/rules/validate';
import { startStrapi, type TestApp } from '../helpers/strapi';

const DAY = 86_400_000;
const v = (path: string) => ({ var: path });

describe('rule engine acceptance', () => {
  let app: TestApp;
  let knex: Knex;
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY + ms).toISOString();
  const ids = new Map<string, number>();

  const customer = async (name: string, data: Record<string, unknown>, orders: Array<[number, string, string]> = []) => {
    const created = await app.strapi.documents('api::customer.customer').create({ data: { name, ...data } as any });
    ids.set(name, created.id as number);
    for (const [amount, status, orderedAt] of orders) {
      await app.strapi.documents('api::order.order').create({
        data: { amount, payment_status: status, kind: 'new', ordered_at: orderedAt, customer: created.documentId } as any,
      });
    }
    return created;
  };
  const interaction = async (name: string, type: string, occurredAt: string) => {
    const [row] = await knex('customers')
      .where({ id: ids.get(name) })
      .select('document_id');
    await app.strapi.documents('api::interaction.interaction').create({ data: { type, occurred_at: occurredAt, customer: row.document_id } as any });
  };
  const selected = async (rule: unknown) => {
    const rows = await matchQuery(knex, rule, { now });
    const byId = new Map([...ids].map(([name, id]) => [id, name]));
    return rows.map((r: { customer_id: unknown }) => byId.get(Number(r.customer_id))).sort();
  };
  /** The evaluator's answer for every hand-built customer, from loadFacts. */
  const accepted = async (rule: unknown) => {
    const decide = compileEvaluator(rule);
    const names: string[] = [];
    for (const [name, id] of ids) if (decide((await loadFacts(knex, id, { now }))!, { now })) names.push(name);
    return names.sort();
  };

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
  });
  afterAll(async () => app?.stop());

  it('VIP: paid orders total > 100000 and an order in the last 30 days', async () => {
    await customer('A total 110000, recent', { stage: 'signed' }, [
      [60000, 'paid', ago(40)],
      [50000, 'paid', ago(5)],
    ]);
    await customer('B total exactly 100000', { stage: 'signed' }, [[100000, 'paid', ago(5)]]);
    await customer('C rich, recent order unpaid', { stage: 'signed' }, [
      [150000, 'paid', ago(60)],
      [1000, 'pending', ago(2)],
    ]);
    await customer('D rich, order exactly 30 days ago', { stage: 'signed' }, [[100000.01, 'paid', ago(30)]]);
    await customer('E rich, order 30 days minus 1s ago', { stage: 'signed' }, [[100000.01, 'paid', ago(30, 1000)]]);
    await customer('F big order refunded', { stage: 'signed' }, [
      [200000, 'refunded', ago(3)],
      [1, 'paid', ago(5)],
    ]);
    await customer('G no orders', { stage: 'consultation' });
    await customer('H overdue counts nothing', { stage: 'signed' }, [[300000, 'overdue', ago(1)]]);
    await app.strapi.plugin('client-insights').service('metrics').rebuild();

    const vip = { and: [{ '>': [v('metrics.total_spent'), 100000] }, { '>=': [{ order_count: [30] }, 1] }] };
    expect(validateRule(vip)).toEqual({ valid: true, errors: [] });
    const expected = ['A total 110000, recent', 'E rich, order 30 days minus 1s ago'];
    expect(await selected(vip)).toEqual(expected);
    expect(await accepted(vip)).toEqual(expected);
    const [{ count }] = await countQuery(knex, vip, { now });
    expect(Number(count)).toBe(2);
    // Same segment written with the windowed sum instead of the rollup column.
    const windowed = { and: [{ '>': [{ order_total: [null] }, 100000] }, { '<=': [{ days_since: [v('metrics.last_order_at')] }, 29] }] };
    expect(await selected(windowed)).toEqual(expected);
  });

  it('a rule of 12 conditions compiles, runs and agrees with the evaluator', async () => {
    const tag = await app.strapi.documents('api::tag.tag').create({ data: { name: 'Scholarship', slug: 'scholarship', category: 'value' } as any });
    const base = { stage: 'in_service', region: 'Shanghai', education: 'master', target_major: 'Computer Science', lead_source: 'referral', language: 'zh' };
    const star = await customer('S all twelve', base, [
      [8000, 'paid', ago(10)],
      [7000, 'paid', ago(100)],
    ]);
    await customer('T wrong region', { ...base, region: 'shanghai' }, [
      [8000, 'paid', ago(10)],
      [7000, 'paid', ago(100)],
    ]);
    await customer('U has a complaint', base, [
      [8000, 'paid', ago(10)],
      [7000, 'paid', ago(100)],
    ]);
    await customer('V no email', base, [
      [8000, 'paid', ago(10)],
      [7000, 'paid', ago(100)],
    ]);
    for (const name of ['S all twelve', 'T wrong region', 'U has a complaint']) {
      await knex('customers')
        .where({ id: ids.get(name) })
        .update({ email: `${name.charAt(0).toLowerCase()}@example.com` });
    }
    for (const name of ['S all twelve', 'T wrong region', 'U has a complaint', 'V no email']) {
      await interaction(name, 'meeting_attended', ago(3));
      await interaction(name, 'meeting_attended', ago(20));
      await knex('ci_customer_tags').insert({
        customer_id: ids.get(name),
        tag_id: tag.id,
        source: 'manual',
        created_at: bindDate(knex, now),
        expires_at: bindDate(knex, new Date(now.getTime() + 7 * DAY)),
      });
    }
    await interaction('U has a complaint', 'complaint', ago(50));
    await app.strapi.plugin('client-insights').service('metrics').rebuild();

    const rule = {
      and: [
        { '==': [v('customer.stage'), 'in_service'] },
        { in: [v('customer.region'), ['Shanghai', 'Beijing']] },
        { in: ['Computer', v('customer.target_major')] },
        { '!=': [v('customer.email'), null] },
        { '<=': [10000, v('metrics.total_spent'), 20000] },
        { '>=': [v('metrics.order_count'), 2] },
        { '<': [{ days_since: [v('metrics.last_order_at')] }, 30] },
        { '>=': [{ event_count: ['meeting_attended', 30] }, 2] },
        { '==': [{ event_count: ['complaint', null] }, 0] },
        { has_tag: ['scholarship'] },
        { '>': [{ order_total: [365] }, 14999.99] },
        { or: [{ '==': [v('customer.education'), 'master'] }, { '!': [{ '==': [v('customer.lead_source'), 'referral'] }] }] },
      ],
    };
    expect(validateRule(rule).valid).toBe(true);
    expect(await selected(rule)).toEqual(['S all twelve']);
    expect(await accepted(rule)).toEqual(['S all twelve']);
    // Only for this customer, and decided alone from its facts.
    expect((await matchQuery(knex, rule, { now, customerIds: [star.id as number] })).length).toBe(1);
    expect(await matchQuery(knex, rule, { now, customerIds: [ids.get('T wrong region')!, ids.get('V no email')!] })).toEqual([]);
    expect(await matchQuery(knex, rule, { now, customerIds: [] })).toEqual([]);
  });

  it('metrics.avg_order_value is total_spent / order_count exactly, not rounded to cents', async () => {
    await customer('AOV 10, 10, 10.01', { stage: 'signed' }, [
      [10, 'paid', ago(3)],
      [10, 'paid', ago(2)],
      [10.01, 'paid', ago(1)],
    ]);
    await customer('AOV 3 x 0.78', { stage: 'signed' }, [
      [0.78, 'paid', ago(3)],
      [0.78, 'paid', ago(2)],
      [0.78, 'paid', ago(1)],
    ]);
    await customer('AOV 129500 / 3', { stage: 'signed' }, [
      [43166.67, 'paid', ago(3)],
      [43166.67, 'paid', ago(2)],
      [43166.66, 'paid', ago(1)],
    ]);
    await customer('AOV no paid order', { stage: 'signed' }, [[10, 'pending', ago(1)]]);
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
    const aov = (op: string, ...literals: unknown[]) =>
      op === 'between' ? { '<=': [literals[0], v('metrics.avg_order_value'), literals[1]] } : { [op]: [v('metrics.avg_order_value'), ...literals] };
    const cases: Array<[unknown, string[]]> = [
      [aov('==', 10), []],
      [aov('>', 10), ['AOV 10, 10, 10.01', 'AOV 129500 / 3']],
      [aov('<=', 10), ['AOV 3 x 0.78']],
      [aov('==', 0.78), ['AOV 3 x 0.78']],
      [aov('>=', 0.78), ['AOV 10, 10, 10.01', 'AOV 129500 / 3', 'AOV 3 x 0.78']],
      [aov('<', 0.78), []],
      [aov('==', 43166.67), []],
      [aov('<', 43166.67), ['AOV 10, 10, 10.01', 'AOV 129500 / 3', 'AOV 3 x 0.78']],
      [aov('between', 43166.66, 43166.67), ['AOV 129500 / 3']],
      [aov('==', 10.003333333333334), []],
      [aov('in', [10, 0.78, 43166.67]), ['AOV 3 x 0.78']],
      [aov('==', null), ['AOV no paid order']],
      [{ '!': aov('>', 10) }, ['AOV 3 x 0.78', 'AOV no paid order']],
    ];
    const mine = (names: string[]) => names.filter((n) => n.startsWith('AOV'));
    for (const [rule, expected] of cases) {
      expect([rule, mine(await selected(rule))]).toEqual([rule, expected]);
      expect([rule, mine(await accepted(rule))]).toEqual([rule, expected]);
    }
  });
});
