import { holdoutBucket } from '../../plugins/client-insights/server/src/modules/reports/holdout';
import { client } from '../segments/helpers';
import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import type { Order } from './dataset';
import { writeMembership } from './dataset';
import {
  at,
  expectedCredits,
  expectedLift,
  insertCampaign,
  insertCustomers,
  insertOccurrence,
  insertSend,
  insertTaggedRule,
  insertTouch,
  MODELS,
  type Touch,
} from './attribution-data';

/**
 * GET /campaigns/:id/attribution against an independent JS computation over hand-made touch
 * paths (tests/reports/attribution-data.ts): every model's credits and ROI for two campaigns
 * sharing paths, windows and half-lives, the segment filter (now and during), the period; the
 * campaign's and an automation rule's holdout lift with its interval; an empty campaign; RBAC;
 * refused input naming the field; the content-API twin.
 */
const close = (actual: number, expected: number, label: string) => {
  if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-6 * Math.max(1, Math.abs(expected))) throw new Error(`${label}: ${actual} ≠ ${expected}`);
};

describe('campaign attribution', () => {
  let app: TestApp;
  let admin: string;
  let ids: number[];
  const campaigns: Record<string, { id: number; documentId: string; budget: number | null }> = {};
  const touches: Touch[] = [];
  const segments: Record<string, number> = {};
  // Customers 0–6 carry the touch paths; 10–69 are the holdout audience.
  const orders: Order[] = [
    { customer: 0, at: at(5), amount: 100, margin: 40, paid: true },
    { customer: 0, at: at(40), amount: 80, margin: 30, paid: true }, // 40 days after its touch: outside 30, inside 40
    { customer: 0, at: at(6), amount: 500, margin: 100, paid: false },
    { customer: 1, at: at(12), amount: 200, margin: 50, paid: true },
    { customer: 2, at: at(10), amount: 300, margin: null, paid: true },
    { customer: 3, at: at(2), amount: 150, margin: 60, paid: true },
    { customer: 4, at: at(8), amount: 90, margin: 10, paid: true }, // before its touch
    { customer: 5, at: at(35), amount: 120, margin: 20, paid: true },
    { customer: 6, at: at(25), amount: 400, margin: 100, paid: true },
    ...Array.from({ length: 60 }, (_, k) => k + 10)
      .filter((c) => c % 3 === 0 || c % 7 === 0)
      .map((c) => ({ customer: c, at: at(50), amount: 10, margin: 5, paid: true })),
  ];

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const knex = app.strapi.db.connection;
    ids = await insertCustomers(knex, 70, orders);
    campaigns.A = { ...(await insertCampaign(knex, 'Spring fair', 1000)), budget: 1000 };
    campaigns.B = { ...(await insertCampaign(knex, 'Webinar', 200)), budget: 200 };
    campaigns.E = { ...(await insertCampaign(knex, 'Nothing yet', 500)), budget: 500 };
    campaigns.H = { ...(await insertCampaign(knex, 'Held out', null, 20, [at(45), at(60)])), budget: null };
    const touch = async (customer: number, campaign: string, day: number) =>
      touches.push({ customer, campaign, at: at(day), src: 0, ref: await insertTouch(knex, ids[customer], campaigns[campaign].id, at(day)) });
    const send = async (customer: number, campaign: string, step: string, day: number) =>
      touches.push({ customer, campaign, at: at(day), src: 1, ref: await insertSend(knex, 'rule-a', step, ids[customer], at(day)) });
    await insertTaggedRule(knex, 'rule-a', campaigns.A.id, campaigns.B.id, 25);
    await touch(0, 'A', 0);
    await touch(1, 'B', 0);
    await touch(1, 'A', 10);
    await touch(2, 'A', 0);
    await send(2, 'B', '2.then.0', 3);
    await send(2, 'A', '1', 8);
    await insertSend(knex, 'rule-a', '1', ids[2], at(9), 'failed'); // not a touch
    await insertSend(knex, 'rule-a', '0', ids[2], at(9)); // an untagged step: not a touch
    await touch(3, 'B', 0);
    await touch(4, 'A', 10);
    await touch(5, 'A', 0);
    for (const day of [0, 1]) await touch(6, 'A', day);
    await touch(6, 'B', 2);
    await touch(6, 'A', 20);
    // rule-a's occurrences: 10–19 held out, 20–49 treated (20 twice: its first counts), 50 skipped by its conditions.
    for (let c = 10; c < 50; c += 1) await insertOccurrence(knex, 'rule-a', ids[c], at(44), c < 20 ? 'holdout' : 'done');
    await insertOccurrence(knex, 'rule-a', ids[20], at(70), 'holdout');
    await insertOccurrence(knex, 'rule-a', ids[50], at(44), 'skipped');

    const api = client(app, admin);
    const specs = {
      audience: { key: 'audience', events: [], current: Array.from({ length: 60 }, (_, k) => k + 10) },
      // 0 and 1 are members now (from before events were kept); 6 was one until day 5, inside the window before its order.
      vip: {
        key: 'vip',
        events: [
          { customer: 6, at: at(-100), kind: 'enter' as const },
          { customer: 6, at: at(5), kind: 'exit' as const },
        ],
        current: [0, 1],
      },
    };
    for (const spec of Object.values(specs)) {
      const res = await api('POST', '/client-insights/segments', {
        name: `Seg ${spec.key}`,
        key: spec.key,
        rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
      });
      expect(res.status).toBe(201);
      segments[spec.key] = res.body.data.id;
      await writeMembership(knex, res.body.data.id, spec, ids);
    }
  });
  afterAll(async () => app?.stop());

  const get = (token: string, campaign: string | number, query = '') =>
    client(app, token)('GET', `/client-insights/campaigns/${campaign}/attribution?${query}`);

  const checkModels = (data: any, name: string, expected: ReturnType<typeof expectedCredits>, budget: number | null, models: readonly string[] = MODELS) => {
    expect(data.models.map((m: any) => m.model)).toEqual(models);
    expect(data.conversions.orders).toBe(expected.orders);
    for (const m of data.models) {
      const e = expected.credits[m.model as (typeof MODELS)[number]];
      close(m.conversions, e.conversions, `${name} ${m.model} conversions`);
      close(m.revenue, e.revenue, `${name} ${m.model} revenue`);
      close(m.margin, e.margin, `${name} ${m.model} margin`);
      if (budget) close(m.roi, (e.margin - budget) / budget, `${name} ${m.model} roi`);
      else expect(m.roi).toBeNull();
    }
  };

  it('credits every model on 1-, 2-, 3- and 4-touch paths shared by two campaigns, with ROI from the budget', async () => {
    for (const name of ['A', 'B']) {
      const res = await get(admin, campaigns[name].id);
      expect(res.status).toBe(200);
      checkModels(res.body.data, name, expectedCredits(touches, orders, name, 30, 7), campaigns[name].budget);
    }
    const a = (await get(admin, campaigns.A.documentId)).body.data;
    expect(a.campaign).toMatchObject({ id: campaigns.A.id, name: 'Spring fair', budget: 1000, holdoutPercent: 0 });
    expect(a.touches).toEqual({ interactions: 8, automation: 1, customers: 6 });
    // Orders of customers 0 (day 5), 1, 2, 6: customer 2's has no margin.
    expect(a.conversions).toMatchObject({ orders: 4, revenue: 1000, margin: 190, marginOrders: 3 });
    expect(a.flags).toContain('partial_margin');
    // Hand check of one path: customer 2's order (300) follows A, B (send), A (send): last touch is A's.
    const expected = expectedCredits(touches, orders, 'A', 30, 7).credits;
    close(expected.position.revenue - (100 + 200 * 0.5 + 300 * 0.8 + 400 * (0.4 + 0.2 / 2 + 0.4)), 0, 'hand position');
  });

  it('follows the window, the half-life and the chosen models', async () => {
    const res = await get(admin, campaigns.A.id, 'window=40&halfLife=3&models=time_decay,linear');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ window: 40, halfLife: 3 });
    checkModels(res.body.data, 'A/40', expectedCredits(touches, orders, 'A', 40, 3), 1000, ['time_decay', 'linear']);
    expect(res.body.data.conversions.orders).toBe(6);
  });

  it('keeps the conversions of a segment (members now, or during the window) and of a period', async () => {
    const of = (members: number[]) => orders.filter((o) => members.includes(o.customer));
    const now = await get(admin, campaigns.A.id, `segmentId=${segments.vip}&membership=now`);
    expect(now.status).toBe(200);
    expect(now.body.data.segment).toMatchObject({ key: 'vip', membership: 'now' });
    checkModels(now.body.data, 'A/now', expectedCredits(touches, of([0, 1]), 'A', 30, 7), 1000);
    const during = await get(admin, campaigns.A.id, `segmentId=vip`);
    checkModels(during.body.data, 'A/during', expectedCredits(touches, of([0, 1, 6]), 'A', 30, 7), 1000);
    const period = await get(admin, campaigns.A.id, 'from=2026-01-01&to=2026-01-11');
    const inPeriod = orders.filter((o) => o.at < at(11));
    checkModels(period.body.data, 'A/period', expectedCredits(touches, inPeriod, 'A', 30, 7), 1000);
    expect(period.body.data.period).toEqual({ start: new Date(at(0)).toISOString(), end: new Date(at(11)).toISOString() });
  });

  it("shows the campaign's holdout lift with its interval against a hand computation", async () => {
    const h = campaigns.H;
    const group = (held: boolean) => {
      const members = Array.from({ length: 60 }, (_, k) => k + 10).filter((c) => holdoutBucket(h.id, ids[c]) < 20 === held);
      return { customers: members.length, converted: members.filter((c) => c % 3 === 0 || c % 7 === 0).length };
    };
    const [treated, holdout] = [group(false), group(true)];
    expect(holdout.customers).toBeGreaterThan(0);
    const res = await get(admin, h.id, `segmentId=audience&membership=now`);
    expect(res.status).toBe(200);
    const [own] = res.body.data.holdouts;
    expect(own).toMatchObject({ source: 'campaign', percent: 20, treated, holdout });
    const e = expectedLift(treated.converted, treated.customers, holdout.converted, holdout.customers);
    close(own.lift, e.lift, 'lift');
    close(own.ci[0], e.ci[0], 'ci low');
    close(own.ci[1], e.ci[1], 'ci high');
    expect(own.tooSmall).toBe(holdout.customers < 30 || treated.customers < 30 || holdout.converted < 5 || holdout.customers - holdout.converted < 5);
    expect(res.body.data.flags).toEqual(expect.arrayContaining(['no_touches', 'no_conversions', 'no_budget']));
    // Without a segment the audience is every customer: the same hash over 70.
    const all = (await get(admin, h.id)).body.data.holdouts[0];
    expect(all.treated.customers + all.holdout.customers).toBe(70);
    expect(all.holdout.customers).toBe(ids.filter((id) => holdoutBucket(h.id, id) < 20).length);
  });

  it("shows an automation rule's holdout (first occurrence per customer) with the groups too small", async () => {
    const res = await get(admin, campaigns.A.id);
    const rule = res.body.data.holdouts.find((x: any) => x.source === 'rule');
    const converted = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => k + from).filter((c) => c % 3 === 0 || c % 7 === 0).length;
    const treated = { customers: 30, converted: converted(20, 50) };
    const holdout = { customers: 10, converted: converted(10, 20) };
    expect(rule).toMatchObject({ ruleDoc: 'rule-a', percent: 25, treated, holdout, tooSmall: true });
    const e = expectedLift(treated.converted, 30, holdout.converted, 10);
    close(rule.lift, e.lift, 'rule lift');
    close(rule.ci[0], e.ci[0], 'rule ci low');
    close(rule.ci[1], e.ci[1], 'rule ci high');
  });

  it('answers an empty campaign with zeros and flags', async () => {
    const res = await get(admin, campaigns.E.id);
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.touches).toEqual({ interactions: 0, automation: 0, customers: 0 });
    expect(d.conversions).toEqual({ orders: 0, revenue: 0, margin: 0, marginOrders: 0 });
    for (const m of d.models) expect(m).toMatchObject({ conversions: 0, revenue: 0, margin: 0, roi: -1 });
    expect(d.holdouts).toEqual([]);
    expect(d.flags).toEqual(['no_touches', 'no_conversions', 'no_holdout']);
  });

  it('needs reports.read (403 without it)', async () => {
    const without = await restrictedSession(app, ['segments.read']);
    expect((await get(without, campaigns.A.id)).status).toBe(403);
    const reader = await restrictedSession(app, ['reports.read']);
    expect((await get(reader, campaigns.A.id)).status).toBe(200);
  });

  it.each([
    ['window=0', '/window'],
    ['models=first_touch,u_shape', '/models'],
    ['halfLife=0', '/halfLife'],
    ['from=2026-01-01', '/to'],
    ['membership=ever', '/membership'],
  ])('refuses %s naming %s', async (query, pointer) => {
    const res = await get(admin, campaigns.A.id, query);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain(pointer);
  });

  it('answers 404 for an unknown campaign or segment', async () => {
    const res = await get(admin, 999999);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('campaign');
    expect((await get(admin, campaigns.A.id, 'segmentId=nope')).status).toBe(404);
  });

  it('answers on the content API for a token, read-only too', async () => {
    for (const type of ['full-access', 'read-only'] as const) {
      const token = await apiToken(app, type);
      const res = await client(app, token)('GET', `/api/campaigns/${campaigns.A.documentId}/attribution?models=linear`);
      expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
      expect(res.body.data.models).toHaveLength(1);
    }
  });
});
