import crypto from 'crypto';
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { copyActivity } from '../../plugins/client-insights/server/src/modules/metrics/activity';
import { reportsApi } from '../../plugins/client-insights/shared/contracts/reports';
import { responseProblems } from '../../plugins/client-insights/shared/contracts/http';
import { client } from '../segments/helpers';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { writeMembership } from './dataset';
import { CUSTOMERS, END, heldAt, insertCustomers, SEGMENTS, START } from './flow-history';

/**
 * GET /reports/monitoring over February 2026 (UTC) against figures worked out by hand from a tiny
 * history: segment coverage and runs, automation log outcomes, quadrant transitions, churn
 * prediction precision, recall and AUC, tag activity and the lifecycle rates.
 */
const PERIOD = 'from=2026-02-01&to=2026-02-28&timeZone=UTC';
const at = (iso: string) => new Date(iso);
const docId = () => crypto.randomBytes(12).toString('hex');
const insertId = async (knex: Knex, table: string, row: Record<string, unknown>) => {
  const [r] = await knex(table).insert(row, ['id']);
  return Number(typeof r === 'object' ? r.id : r);
};

describe('monitoring report', () => {
  let app: TestApp;
  let admin: string;
  let ids: number[];
  const d = (iso: string) => bindDate(app.strapi.db.connection, at(iso));

  const order = async (customer: number, iso: string) => {
    const knex = app.strapi.db.connection;
    const id = await insertId(knex, 'orders', {
      document_id: docId(),
      amount: 100,
      kind: 'new',
      payment_status: 'paid',
      currency: 'CNY',
      ordered_at: d(iso),
      created_at: d(iso),
      updated_at: d(iso),
    });
    await knex('orders_customer_lnk').insert({ order_id: id, customer_id: customer, order_ord: 1 });
  };
  const interaction = async (customer: number, iso: string, type = 'email_open') => {
    const knex = app.strapi.db.connection;
    const id = await insertId(knex, 'interactions', { document_id: docId(), type, occurred_at: d(iso), created_at: d(iso), updated_at: d(iso) });
    await knex('interactions_customer_lnk').insert({ interaction_id: id, customer_id: customer, interaction_ord: 1 });
  };
  const valueRun = (finished: string) =>
    insertId(app.strapi.db.connection, 'ci_value_runs', { status: 'success', trigger: 'api', config: '{}', started_at: d(finished), finished_at: d(finished) });
  const scored = (run: number, customer: number, quadrant: string) =>
    app.strapi.db.connection('ci_value_score_history').insert({
      run_id: run,
      customer_id: customer,
      has_orders: 1,
      recency_days: 1,
      frequency: 1,
      monetary: 1,
      monetary_capped: 1,
      r: 3,
      f: 3,
      m: 3,
      rfm: 3,
      rfm_segment: 'loyal',
      quadrant,
      risk_tag: 0,
      overdue_amount: 0,
      complaints: 0,
      margin_missing: 0,
    });

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const knex = app.strapi.db.connection;
    ids = await insertCustomers(knex, app.strapi, CUSTOMERS);
    // Two customers created in the period; the first was referred by customer 0.
    const fresh = await insertCustomers(knex, app.strapi, 2);
    await knex('customers')
      .whereIn('id', fresh)
      .update({ created_at: d('2026-02-10T00:00:00Z') });
    await knex('customers_referrer_lnk').insert({ customer_id: fresh[0], inv_customer_id: ids[0] });
    const api = client(app, admin);
    for (const spec of SEGMENTS) {
      const res = await api('POST', '/client-insights/segments', {
        name: `Seg ${spec.key}`,
        key: spec.key,
        rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
        visibility: 'global',
      });
      // The customers' creation queued their re-evaluation against the segments: let it pass before writing the history.
      await app.strapi.plugin('client-insights').service('segments').idle();
      await writeMembership(knex, res.body.data.id, spec, ids);
      // Runs: two successful in the period, one failed; one successful before it.
      const run = (status: string, finished: string, members: number | null, ms: number | null) =>
        knex('ci_segment_runs').insert({
          execution_id: crypto.randomUUID(),
          segment_id: res.body.data.id,
          trigger: 'manual',
          status,
          phase: 'done',
          created_at: d(finished),
          finished_at: d(finished),
          customer_count: members,
          execution_time_ms: ms,
        });
      if (spec.key === 'flow-a') {
        await run('success', '2026-02-02T00:00:00Z', 2, 100);
        await run('partial', '2026-02-20T00:00:00Z', 4, 200);
        await run('failed', '2026-02-21T00:00:00Z', null, null);
      } else {
        await run('success', '2026-02-27T23:00:00Z', 6, 300);
        await run('success', '2026-01-31T23:59:00Z', 50, 5000);
      }
    }
    // Activity (see the expectations below).
    await order(ids[0], '2025-06-01T00:00:00Z');
    await order(ids[0], '2026-02-05T00:00:00Z');
    await interaction(ids[1], '2026-01-10T00:00:00Z');
    await interaction(ids[1], '2026-02-07T00:00:00Z', 'complaint');
    await interaction(ids[2], '2026-02-08T00:00:00Z');
    await knex('customers').where({ id: ids[2] }).update({ stage: 'churned' });
    await order(ids[4], '2026-01-20T00:00:00Z');
    await order(ids[6], '2026-02-10T00:00:00Z');
    await copyActivity(knex);
    // Value runs: 1 before, 2 scored the churn risks (>= 30 days before the end), 3 in the period, 4 after it.
    await valueRun('2025-10-01T00:00:00Z');
    const run2 = await valueRun('2026-01-15T00:00:00Z');
    const run3 = await valueRun('2026-02-20T00:00:00Z');
    const run4 = await valueRun('2026-03-05T00:00:00Z');
    for (const [c, q] of [
      [0, 'high_value'],
      [1, 'potential'],
      [2, 'dormant'],
    ] as const)
      await scored(run2, ids[c], q);
    for (const [c, q] of [
      [0, 'high_value'],
      [1, 'high_value'],
      [2, 'dormant'],
      [3, 'potential'],
    ] as const)
      await scored(run3, ids[c], q);
    await scored(run4, ids[0], 'churn_risk');
    const risks = [0.9, 0.8, 0.8, 0.3, 0.6, 0.1];
    for (const [c, risk] of risks.entries())
      await knex('ci_value_model_scores').insert({ run_id: run2, customer_id: ids[c], clv_method: 'bgnbd', churn_risk: risk });
    // Automation log: 4 firings, 3 sent + 1 done, 1 failed + 1 dead, 2 skipped, 1 retrying; a test send and an earlier firing left out.
    const log = (status: string, iso: string, latency: number | null = null, test = false) =>
      knex('ci_automation_logs').insert({
        rule_doc: 'r1',
        version: 1,
        status,
        action: status === 'triggered' ? null : 'email',
        created_at: d(iso),
        latency_ms: latency,
        test,
      });
    for (let k = 0; k < 4; k += 1) await log('triggered', '2026-02-03T00:00:00Z');
    await log('sent', '2026-02-03T00:00:01Z', 10);
    await log('sent', '2026-02-03T00:00:01Z', 20);
    await log('sent', '2026-02-03T00:00:01Z', 60);
    await log('done', '2026-02-03T00:00:01Z');
    await log('failed', '2026-02-04T00:00:00Z');
    await log('dead', '2026-02-05T00:00:00Z');
    await log('skipped', '2026-02-05T00:00:00Z');
    await log('skipped', '2026-02-05T00:00:00Z');
    await log('retrying', '2026-02-05T00:00:00Z');
    await log('sent', '2026-02-05T00:00:00Z', 999, true);
    await log('triggered', '2026-01-05T00:00:00Z');
    // Tags: one created in the period; assignments made in it, expired in it, live at the end.
    const tag = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Monitored', slug: 'monitored', category: 'basic', visibility: 'global' } as any });
    await app.strapi.documents('api::tag.tag').create({ data: { name: 'Today', slug: 'today', category: 'basic', visibility: 'global' } as any });
    await knex('tags')
      .where({ id: (tag as any).id })
      .update({ created_at: d('2026-02-10T00:00:00Z') });
    const assign = (c: number, created: string, expires: string | null) =>
      knex('ci_customer_tags').insert({
        customer_id: ids[c],
        tag_id: (tag as any).id,
        source: 'manual',
        created_at: d(created),
        expires_at: expires ? d(expires) : null,
      });
    await assign(0, '2026-02-02T00:00:00Z', null);
    await assign(1, '2026-01-01T00:00:00Z', '2026-02-15T00:00:00Z');
    await assign(2, '2026-02-03T00:00:00Z', '2026-04-01T00:00:00Z');
  }, 240_000);
  afterAll(async () => app?.stop());

  const get = (token: string, query: string) => client(app, token)('GET', `/client-insights/reports/monitoring?${query}`);

  it('gives every figure as worked out by hand', async () => {
    const res = await get(admin, `${PERIOD}&horizonDays=30`);
    expect(res.status).toBe(200);
    expect(responseProblems(reportsApi.monitoring, res.body, { strict: true })).toEqual([]);
    const m = res.body.data;
    const covered = Array.from({ length: CUSTOMERS }, (_, c) => c).filter((c) => SEGMENTS.some((s) => heldAt(s, c, END))).length;
    expect(covered).toBe(7);
    const customers = CUSTOMERS + 2;
    expect(m.period).toMatchObject({ start: new Date(START).toISOString(), end: new Date(END).toISOString() });
    expect(m.segments).toEqual({
      customers,
      covered,
      coverage: covered / customers,
      runs: 3,
      failedRuns: 1,
      runsPerDay: 3 / 28,
      avgMembers: 4,
      hitRate: 4 / customers,
      avgDurationMs: 200,
    });
    expect(m.automation).toEqual({ triggers: 4, succeeded: 4, failed: 2, skipped: 2, successRate: 4 / 6, errorRate: 2 / 6, avgLatencyMs: 30 });
    expect(m.values).toMatchObject({ compared: 3, moved: 1, transitionRate: 1 / 3 });
    // Positives (churned stage, or no paid order nor interaction since 15 January): 2 (risk 0.8), 3 (0.3), 5 (0.1);
    // negatives 0 (0.9), 1 (0.8), 4 (0.6). Pairs ranked right: 2 over 4 (1), 2 tied with 1 (½): AUC 1.5 / 9.
    expect(m.values.churn).toMatchObject({ threshold: 0.5, scored: 6, churned: 3, predicted: 4, truePositives: 1, precision: 1 / 4, recall: 1 / 3 });
    expect(m.values.churn.auc).toBeCloseTo(1.5 / 9, 10);
    expect(m.values.churn.scoredAt).toBe('2026-01-15T00:00:00.000Z');
    expect(m.tags).toEqual({ newTags: 1, assignments: 2, taggedCustomers: 2, expired: 1 });
    // Retention: active in the 28 days before (1 by an interaction, 4 by an order), 1 of them again in February.
    expect(m.lifecycle).toEqual({
      retentionBase: 2,
      retained: 1,
      retentionRate: 0.5,
      buyers: 2,
      repeatBuyers: 1,
      repurchaseRate: 0.5,
      newCustomers: 2,
      referred: 1,
      referralRate: 0.5,
      activeCustomers: 4,
      complainants: 1,
      complaintRate: 0.25,
    });
  });

  const kpi = (board: any, key: string) => board.kpis.find((k: any) => k.key === key).value;

  it("gives the overview's KPI board as of the period's end, by the same definitions", async () => {
    const m = (await get(admin, PERIOD)).body.data;
    expect(m.board.asOf).toBe(new Date(END).toISOString());
    // Worked out by hand: interactions of customers 1 (7 Feb) and 2 (8 Feb) in the 30 days to 1 March; 1 was active in the 30 before too;
    // 0, 4 and 6 have paid orders and no interaction in 90 days.
    expect(kpi(m.board, 'total')).toBe(m.segments.customers);
    expect(kpi(m.board, 'active')).toBe(2);
    expect(kpi(m.board, 'retention')).toBe(1);
    expect(kpi(m.board, 'churn_risk')).toBe(3);
  });

  it('equals GET /overview/kpis card for card for a period that reaches today (the cards link here)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const report = (await get(admin, `from=${from}&to=${today}`)).body.data.board;
    const overview = (await client(app, admin)('GET', '/client-insights/overview/kpis')).body.data;
    expect(report.kpis.map((k: any) => [k.key, k.value, k.previous])).toEqual(overview.kpis.map((k: any) => [k.key, k.value, k.previous]));
  });

  it('answers an empty period with zeros and nulls, not errors', async () => {
    const res = await get(admin, 'from=1990-01-01&to=1990-01-31');
    expect(res.status).toBe(200);
    const m = res.body.data;
    expect(m.segments).toMatchObject({ customers: 0, coverage: null, runs: 0, hitRate: null });
    expect(m.automation).toMatchObject({ triggers: 0, successRate: null });
    expect(m.values).toMatchObject({ fromRun: null, toRun: null, transitionRate: null, churn: null });
    expect(m.lifecycle).toMatchObject({ retentionRate: null, repurchaseRate: null, referralRate: null, complaintRate: null });
  });

  it('needs reports.read', async () => {
    const without = await restrictedSession(app, ['segments.read']);
    expect((await get(without, PERIOD)).status).toBe(403);
    const reader = await restrictedSession(app, ['reports.read']);
    expect((await get(reader, PERIOD)).status).toBe(200);
  });

  it.each([
    ['from=2026-03-01&to=2026-02-01', '/to'],
    ['from=2026-02-01', '/to'],
    [`${PERIOD}&horizonDays=0`, '/horizonDays'],
    [`${PERIOD}&timeZone=Mars/Base`, '/timeZone'],
  ])('refuses %s naming %s', async (query, pointer) => {
    const res = await get(admin, query);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
  });
});
