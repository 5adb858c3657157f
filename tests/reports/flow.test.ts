import { reportsApi } from '../../plugins/client-insights/shared/contracts/reports';
import { responseProblems } from '../../plugins/client-insights/shared/contracts/http';
import { client } from '../segments/helpers';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { writeMembership } from './dataset';
import { CUSTOMERS, END, expectedLinks, insertCustomers, SEGMENTS, START } from './flow-history';

/**
 * GET /reports/flow and /reports/flow/customers against an independent computation over a small
 * hand-made history (flow-history.ts): every segment link and its customers, the quadrant
 * migration between two value runs and its customers, masking, RBAC and refused input.
 */
const PERIOD = 'from=2026-02-01&to=2026-02-28&timeZone=UTC';

const history = (run: number, customer: number, quadrant: string) => ({
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

describe('customer flow', () => {
  let app: TestApp;
  let admin: string;
  let ids: number[];
  const segmentIds = new Map<string, number>();
  const runs: number[] = [];
  // Quadrants by customer index in the two value runs (undefined: not scored in that run).
  const runA: Array<string | undefined> = ['high_value', 'high_value', 'potential', 'dormant', undefined, 'churn_risk', 'potential'];
  const runB: Array<string | undefined> = ['high_value', 'potential', 'potential', undefined, 'dormant', 'churn_risk', 'high_value'];

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const knex = app.strapi.db.connection;
    ids = await insertCustomers(knex, app.strapi, CUSTOMERS);
    const api = client(app, admin);
    for (const spec of SEGMENTS) {
      const res = await api('POST', '/client-insights/segments', {
        name: `Seg ${spec.key}`,
        key: spec.key,
        rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
        visibility: 'global',
      });
      expect(res.status).toBe(201);
      segmentIds.set(spec.key, res.body.data.id);
      // The customers' creation queued their re-evaluation against the segments: let it pass before writing the history.
      await app.strapi.plugin('client-insights').service('segments').idle();
      await writeMembership(knex, res.body.data.id, spec, ids);
    }
    for (const quadrants of [runA, runB]) {
      const [row] = await knex('ci_value_runs').insert({ status: 'success', trigger: 'api', config: '{}', started_at: new Date(), finished_at: new Date() }, [
        'id',
      ]);
      const run = Number(typeof row === 'object' ? row.id : row);
      runs.push(run);
      for (const [c, q] of quadrants.entries()) if (q) await knex('ci_value_score_history').insert(history(run, ids[c], q));
    }
  }, 180_000);
  afterAll(async () => app?.stop());

  const get = (token: string, path: string) => client(app, token)('GET', `/client-insights${path}`);
  const keyOf = (node: string) => (node === 'none' ? 'none' : [...segmentIds].find(([, id]) => String(id) === node)![0]);
  const nodeOf = (key: string) => (key === 'none' ? 'none' : String(segmentIds.get(key)));

  it('counts the customers between segments as the independent computation does, each pair of a customer in several', async () => {
    const res = await get(admin, `/reports/flow?${PERIOD}`);
    expect(res.status).toBe(200);
    expect(responseProblems(reportsApi.flow, res.body, { strict: true })).toEqual([]);
    const flow = res.body.data.segments;
    // Other tests' segments may exist; only ours are in this history, everyone else is none → none.
    const expected = expectedLinks(SEGMENTS, CUSTOMERS, START, END);
    const got = new Map<string, number>(flow.links.map((l: any) => [`${keyOf(l.source)}→${keyOf(l.target)}`, l.customers]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries([...expected].map(([k, v]) => [k, v.length])));
    // Spelled out: the cases of the definition.
    expect(got.get('flow-a→flow-b')).toBe(1); // customer 1
    expect(got.get('none→flow-a')).toBe(1); // customer 6, entered at the start instant
    expect(got.get('flow-a→flow-a')).toBe(3); // 0, 3 and 7 (left at the end instant)
    expect(got.get('flow-b→flow-a')).toBe(1); // 3
    expect(got.get('none→none')).toBe(2); // 5 and 8 (in and out within the period)
    expect(flow.customers).toBe(CUSTOMERS);
    expect(flow.nodes.map((n: any) => n.id).sort()).toEqual([...segmentIds.values()].map(String).concat('none').sort());
  });

  it('lists the customers of every flow, masked for a reader without sensitive.view', async () => {
    const expected = expectedLinks(SEGMENTS, CUSTOMERS, START, END);
    for (const [link, members] of expected) {
      const [source, target] = link.split('→');
      const res = await get(admin, `/reports/flow/customers?${PERIOD}&source=${nodeOf(source)}&target=${nodeOf(target)}&pageSize=100`);
      expect(res.status).toBe(200);
      expect(responseProblems(reportsApi.flowCustomers, res.body, { strict: true })).toEqual([]);
      expect({ link, ids: res.body.data.map((r: any) => r.id).sort((a: number, b: number) => a - b) }).toEqual({
        link,
        ids: members.map((c) => ids[c]).sort((a, b) => a - b),
      });
      expect(res.body.meta.pagination.total).toBe(members.length);
    }
    // Pages: the three A → A customers two at a time.
    const first = await get(admin, `/reports/flow/customers?${PERIOD}&source=${nodeOf('flow-a')}&target=${nodeOf('flow-a')}&pageSize=2`);
    const second = await get(admin, `/reports/flow/customers?${PERIOD}&source=${nodeOf('flow-a')}&target=${nodeOf('flow-a')}&pageSize=2&page=2`);
    expect(first.body.data).toHaveLength(2);
    expect(second.body.data).toHaveLength(1);
    expect(first.body.meta.pagination).toEqual({ page: 1, pageSize: 2, pageCount: 2, total: 3 });
    expect(first.body.data[0].email).toMatch(/^flow\d@example\.com$/);
    const reader = await restrictedSession(app, ['reports.read', 'segments.read']);
    const masked = await get(reader, `/reports/flow/customers?${PERIOD}&source=${nodeOf('flow-a')}&target=${nodeOf('flow-a')}`);
    expect(masked.status).toBe(200);
    for (const row of masked.body.data) expect(row.email).toMatch(/^f\*\*\*@example\.com$/);
  });

  it('gives the quadrant migration between two value runs and its customers', async () => {
    const res = await get(admin, `/reports/flow?${PERIOD}&runA=${runs[0]}&runB=${runs[1]}`);
    expect(res.status).toBe(200);
    const q = res.body.data.quadrants;
    expect([q.fromRun, q.toRun]).toEqual(runs);
    const expected = new Map<string, number[]>();
    runA.forEach((a, c) => {
      const b = runB[c];
      if (a === undefined && b === undefined) return;
      const key = `${a ?? 'none'}→${b ?? 'none'}`;
      expected.set(key, [...(expected.get(key) ?? []), c]);
    });
    expect(Object.fromEntries(q.cells.map((cell: any) => [`${cell.from}→${cell.to}`, cell.customers]))).toEqual(
      Object.fromEntries([...expected].map(([k, v]) => [k, v.length]))
    );
    for (const [link, members] of expected) {
      const [source, target] = link.split('→');
      const list = await get(admin, `/reports/flow/customers?${PERIOD}&kind=quadrant&runA=${runs[0]}&runB=${runs[1]}&source=${source}&target=${target}`);
      expect(list.status).toBe(200);
      expect({ link, ids: list.body.data.map((r: any) => r.id).sort((a: number, b: number) => a - b) }).toEqual({
        link,
        ids: members.map((c) => ids[c]).sort((a, b) => a - b),
      });
    }
  });

  it('needs reports.read', async () => {
    const without = await restrictedSession(app, ['segments.read']);
    expect((await get(without, `/reports/flow?${PERIOD}`)).status).toBe(403);
    expect((await get(without, `/reports/flow/customers?${PERIOD}&source=none&target=none`)).status).toBe(403);
  });

  it.each([
    ['from=2026-03-01&to=2026-02-01', '/to'],
    ['from=2026-02-30&to=2026-03-01', '/from'],
    [`${PERIOD}&runA=999999`, '/runA'],
    [`${PERIOD}&runB=abc`, '/runB'],
  ])('refuses the flow for %s naming %s', async (query, pointer) => {
    const res = await get(admin, `/reports/flow?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
  });

  it.each([
    ['source=x&target=none', '/source'],
    ['source=none&target=999999', '/target'],
    ['kind=quadrant&source=none&target=gold', '/target'],
    ['source=none', '/target'],
  ])('refuses the drill-down for %s naming %s', async (query, pointer) => {
    const res = await get(admin, `/reports/flow/customers?${PERIOD}&${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
  });
});
