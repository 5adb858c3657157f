import { reportsApi } from '../../plugins/client-insights/shared/contracts/reports';
import { responseProblems } from '../../plugins/client-insights/shared/contracts/http';
import { client } from '../segments/helpers';
import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { expectedMetrics, insertActivity, makeDataset, membersDuring, writeMembership, type Dataset, type SegmentSpec } from './dataset';

/**
 * GET /segments/analytics/:segmentId against an independent JS computation over a small dataset
 * written at known instants (tests/reports/dataset.ts): every figure of the segment, the
 * comparison, the benchmark, ranks, outliers and the heatmap rows; membership over time; an empty
 * segment; RBAC; refused periods.
 */
const SHANGHAI = 8 * 3_600_000;
const localStart = (day: string) => Date.parse(`${day}T00:00:00Z`) - SHANGHAI;
const nextDay = (day: string) => localStart(day) + 86_400_000;
const METRIC_KEYS = ['customers', 'revenue', 'orders', 'aov', 'conversionRate', 'retentionRate', 'churnRate', 'margin', 'revenueShare'] as const;

const closeTo = (actual: unknown, expected: number | null, label: string) => {
  if (expected === null) expect({ label, actual }).toEqual({ label, actual: null });
  else {
    expect(typeof actual).toBe('number');
    if (Math.abs((actual as number) - expected) > 1e-6 * Math.max(1, Math.abs(expected))) throw new Error(`${label}: ${actual} ≠ ${expected}`);
  }
};

describe('segment analytics', () => {
  let app: TestApp;
  let admin: string;
  let data: Dataset;
  let ids: number[];
  const segmentIds = new Map<string, number>();
  const specs = new Map<string, SegmentSpec>();

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const knex = app.strapi.db.connection;
    data = makeDataset(20261203);
    ids = await insertActivity(knex, data);
    // Customer 0 was a member from June 2025 until 15 February 2026 (mid-period) and is not one now;
    // customer 1 entered after the period; customer 2 is a member from before events were kept.
    const leaver: SegmentSpec = {
      key: 'leaver',
      events: [
        { customer: 0, at: Date.UTC(2025, 5, 1), kind: 'enter' },
        { customer: 0, at: Date.UTC(2026, 1, 15), kind: 'exit' },
        { customer: 1, at: Date.UTC(2026, 3, 15), kind: 'enter' },
      ],
      current: [1, 2],
    };
    const empty: SegmentSpec = { key: 'empty', events: [], current: [] };
    const api = client(app, admin);
    for (const spec of [...data.segments, leaver, empty]) {
      const res = await api('POST', '/client-insights/segments', {
        name: `Seg ${spec.key}`,
        key: spec.key,
        rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
        visibility: spec.key === 'tiny' ? 'private' : 'global',
      });
      expect(res.status).toBe(201);
      segmentIds.set(spec.key, res.body.data.id);
      specs.set(spec.key, spec);
      await writeMembership(knex, res.body.data.id, spec, ids);
    }
  });
  afterAll(async () => app?.stop());

  const period = { from: '2026-01-01', to: '2026-03-31' };
  const comparison = { from: '2025-10-01', to: '2025-12-31' };
  const get = (token: string, key: string, query: string) => client(app, token)('GET', `/client-insights/segments/analytics/${segmentIds.get(key)}?${query}`);
  const q = `from=${period.from}&to=${period.to}&timeZone=Asia/Shanghai&compareFrom=${comparison.from}&compareTo=${comparison.to}`;

  const expectedFor = (key: string, from: string, to: string) => {
    const start = localStart(from);
    const end = nextDay(to);
    const everyone = new Set(Array.from({ length: data.customers }, (_, i) => i));
    const total = expectedMetrics(data, everyone, start, end, null).revenue;
    return {
      segment: expectedMetrics(data, membersDuring(specs.get(key)!, start, end), start, end, total),
      benchmark: expectedMetrics(data, everyone, start, end, total),
    };
  };

  it('answers every figure of the segment, its comparison and the benchmark as computed independently', async () => {
    const res = await get(admin, 'big', q);
    expect(res.status).toBe(200);
    expect(responseProblems(reportsApi.analytics, res.body, { strict: true })).toEqual([]);
    const a = res.body.data;
    expect(a.period).toMatchObject({ start: new Date(localStart(period.from)).toISOString(), end: new Date(nextDay(period.to)).toISOString() });
    const now = expectedFor('big', period.from, period.to);
    const then = expectedFor('big', comparison.from, comparison.to);
    for (const [k, v] of Object.entries(now.segment)) closeTo(a.metrics[k], v, `metrics.${k}`);
    for (const [k, v] of Object.entries(then.segment)) closeTo(a.comparisonMetrics[k], v, `comparisonMetrics.${k}`);
    for (const [k, v] of Object.entries(now.benchmark)) closeTo(a.benchmark[k], v, `benchmark.${k}`);
    for (const k of METRIC_KEYS) {
      const x = (now.segment as any)[k];
      const y = (then.segment as any)[k];
      closeTo(a.change[k], x === null || y === null || y === 0 ? null : (x - y) / Math.abs(y), `change.${k}`);
    }
    expect(a.metrics.customers).toBeGreaterThan(10);
    expect(a.metrics.orders).toBeGreaterThan(0);
  });

  it('ranks the segment and marks outliers among the segments the caller sees; the heatmap holds them all', async () => {
    const a = (await get(admin, 'big', q)).body.data;
    const keys = [...specs.keys()];
    expect(a.segments.map((s: any) => s.key).sort()).toEqual([...keys].sort());
    const all = keys.map((key) => ({ key, m: expectedFor(key, period.from, period.to).segment as any }));
    for (const row of a.segments)
      for (const [k, v] of Object.entries(all.find((x) => x.key === row.key)!.m)) closeTo(row.metrics[k], v as number | null, `${row.key}.${k}`);
    const big = all.find((x) => x.key === 'big')!.m;
    for (const k of METRIC_KEYS) {
      const values = all.map((x) => x.m[k]).filter((v: number | null) => v !== null) as number[];
      const better = (v: number) => (k === 'churnRate' ? v < big[k] : v > big[k]);
      expect({ k, r: a.ranking[k] }).toEqual({ k, r: big[k] === null ? null : { rank: 1 + values.filter(better).length, of: values.length } });
      // Tukey's fences over the sorted values, quartiles by linear interpolation.
      const s = [...values].sort((x, y) => x - y);
      const qt = (p: number) => {
        const pos = (s.length - 1) * p;
        const i = Math.floor(pos);
        return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
      };
      const iqr = qt(0.75) - qt(0.25);
      const mark = big[k] === null || s.length < 4 ? null : big[k] < qt(0.25) - 1.5 * iqr ? 'low' : big[k] > qt(0.75) + 1.5 * iqr ? 'high' : null;
      expect({ k, o: a.outliers[k] }).toEqual({ k, o: mark });
    }
  });

  it('counts a customer who left mid-period for that period (membership over time, not only today)', async () => {
    const a = (await get(admin, 'leaver', q)).body.data;
    // Members during Q1 2026: customer 0 (left 15 Feb) and customer 2 (a member without events); not customer 1 (entered in April).
    expect(a.metrics.customers).toBe(2);
    const expected = expectedFor('leaver', period.from, period.to).segment;
    expect(a.metrics.revenue).toBeCloseTo(expected.revenue, 6);
    const zeroOrders = data.orders.filter((o) => o.paid && o.customer === 0 && o.at >= localStart(period.from) && o.at < nextDay(period.to));
    expect(a.metrics.revenue).toBeGreaterThanOrEqual(zeroOrders.reduce((s, o) => s + o.amount, 0));
    expect(a.flags).toContain('few_members');
  });

  it('answers an empty segment with zeros and a flag', async () => {
    const res = await get(admin, 'empty', q);
    expect(res.status).toBe(200);
    const a = res.body.data;
    expect(a.metrics).toMatchObject({ customers: 0, revenue: 0, orders: 0, buyers: 0, aov: null, conversionRate: null, margin: null });
    expect(a.flags).toEqual(expect.arrayContaining(['empty', 'no_orders']));
    expect(a.change.revenue).toBeNull();
  });

  it('needs reports.read (403 without it) and shows a restricted user only the segments they may see', async () => {
    const without = await restrictedSession(app, ['segments.read']);
    const refused = await get(without, 'big', q);
    expect(refused.status).toBe(403);
    const reader = await restrictedSession(app, ['reports.read']);
    const ok = await get(reader, 'big', q);
    expect(ok.status).toBe(200);
    expect(ok.body.data.segments.map((s: any) => s.key)).not.toContain('tiny');
    expect(ok.body.data.ranking.customers.of).toBe(specs.size - 1);
    expect((await get(reader, 'tiny', q)).status).toBe(404);
  });

  it('answers on the content API for a token (global segments only)', async () => {
    const token = await apiToken(app);
    const res = await client(app, token)('GET', `/api/segments/analytics/big?${q}`);
    expect(res.status).toBe(200);
    expect(res.body.data.segment.key).toBe('big');
    expect(res.body.data.segments.map((s: any) => s.key)).not.toContain('tiny');
    expect((await client(app, token)('GET', `/api/segments/analytics/tiny?${q}`)).status).toBe(404);
    // A read-only token reaches it too (a GET route), and the trends twin answers.
    const readOnly = await apiToken(app, 'read-only');
    expect((await client(app, readOnly)('GET', `/api/segments/analytics/big?${q}`)).status).toBe(200);
    expect((await client(app, readOnly)('GET', `/api/segments/trends/big?from=2026-01-01&to=2026-03-31&granularity=month`)).status).toBe(200);
  });

  it.each([
    ['from=2026-03-01&to=2026-02-01', '/to'],
    ['from=2026-01-01&to=2026-02-01&timeZone=Mars/Olympus', '/timeZone'],
    ['from=2020-01-01&to=2026-01-01', '/to'],
    ['from=2026-02-30&to=2026-03-01', '/from'],
    [`from=2026-01-01&to=2026-02-01&compareFrom=2025-01-01`, '/compareTo'],
    [`from=2026-01-01&to=2026-02-01&compareFrom=2025-02-01&compareTo=2025-01-01`, '/compareTo'],
    ['to=2026-02-01', '/from'],
  ])('refuses %s with a 400 naming %s', async (query, pointer) => {
    const res = await get(admin, 'big', query);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
  });
});
