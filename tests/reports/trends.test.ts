import { reportsApi } from '../../plugins/client-insights/shared/contracts/reports';
import { responseProblems } from '../../plugins/client-insights/shared/contracts/http';
import { bestFit, forecastPoints } from '../../plugins/client-insights/server/src/modules/reports/forecast';
import { client } from '../segments/helpers';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { bucketLabel, insertActivity, intervalsOf, makeDataset, writeMembership, type Dataset, type SegmentSpec } from './dataset';

/**
 * GET /segments/trends/:segmentId: per local day, ISO week and month of a zone with daylight saving
 * (America/New_York), members during each bucket and their paid orders in it, against a JS
 * computation that buckets by Intl's local calendar (not the plugin's luxon bounds). Run on SQLite,
 * PostgreSQL and MariaDB: the three databases must give the same series.
 */
const ZONE = 'America/New_York';

describe('segment trends', () => {
  let app: TestApp;
  let admin: string;
  let data: Dataset;
  let spec: SegmentSpec;
  let segmentId: number;
  let ids: number[];

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const knex = app.strapi.db.connection;
    data = makeDataset(777);
    ids = await insertActivity(knex, data);
    spec = data.segments[0];
    // A customer who leaves and comes back within one week and one month, three times: counted once per bucket.
    const free = [...Array(data.customers).keys()].find((c) => !spec.current.includes(c) && !spec.events.some((e) => e.customer === c))!;
    const march = (d: number, h = 12) => Date.UTC(2025, 2, d, h);
    spec.events.push(
      { customer: free, at: march(3), kind: 'enter' },
      { customer: free, at: march(4), kind: 'exit' },
      { customer: free, at: march(5), kind: 'enter' },
      { customer: free, at: march(6), kind: 'exit' },
      { customer: free, at: march(20), kind: 'enter' }
    );
    spec.events.sort((a, b) => a.at - b.at);
    spec.current.push(free);
    const res = await client(app, admin)('POST', '/client-insights/segments', {
      name: 'Trend',
      key: 'trend',
      rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
    });
    segmentId = res.body.data.id;
    await writeMembership(knex, segmentId, spec, ids);
  });
  afterAll(async () => app?.stop());

  const get = (token: string, query: string) => client(app, token)('GET', `/client-insights/segments/trends/${segmentId}?${query}`);

  /** Members and their paid orders per bucket label, from the dataset. */
  const expected = (label: string, granularity: 'day' | 'week' | 'month') => {
    const lb = (ms: number) => bucketLabel(ms, ZONE, granularity);
    // An interval [start, end) overlaps bucket B when B lies between the buckets of its first and last instants.
    const members = new Set(
      intervalsOf(spec)
        .filter((iv) => (iv.start === -Infinity || lb(iv.start) <= label) && (iv.end === Infinity || lb(iv.end - 1) >= label))
        .map((iv) => iv.customer)
    );
    const paid = data.orders.filter((o) => o.paid && members.has(o.customer) && lb(o.at) === label);
    const revenue = paid.reduce((s, o) => s + o.amount, 0);
    return { members: members.size, revenue, orders: paid.length, aov: paid.length ? revenue / paid.length : null };
  };

  it.each([
    ['day', '2026-03-01', '2026-03-20', 20],
    ['week', '2025-01-01', '2026-12-31', 105],
    ['month', '2025-01-01', '2026-12-31', 24],
  ] as const)('buckets by local %s across daylight-saving changes as an independent computation does', async (granularity, from, to, count) => {
    const res = await get(admin, `from=${from}&to=${to}&timeZone=${ZONE}&granularity=${granularity}&horizon=4`);
    expect(res.status).toBe(200);
    expect(responseProblems(reportsApi.trends, res.body, { strict: true })).toEqual([]);
    const t = res.body.data;
    expect(t.series).toHaveLength(count);
    expect(t.series[0].period).toBe(bucketLabel(Date.parse(`${from}T12:00:00Z`), ZONE, granularity));
    expect(t.series[count - 1].period).toBe(bucketLabel(Date.parse(`${to}T12:00:00Z`), ZONE, granularity));
    for (const point of t.series) {
      const e = expected(point.period, granularity);
      expect({ period: point.period, members: point.members, orders: point.orders }).toEqual({ period: point.period, members: e.members, orders: e.orders });
      expect(point.revenue).toBeCloseTo(e.revenue, 6);
      if (e.aov === null) expect(point.aov).toBeNull();
      else expect(point.aov).toBeCloseTo(e.aov, 6);
      // Each bucket starts at a local midnight of the zone.
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(point.start))).toBe(
        '00:00'
      );
    }
    expect(t.series.some((p: any) => p.members > 0)).toBe(true);
  });

  it('forecasts each series from its complete periods by the pure module (Holt-Winters from two seasons of weeks) with a growing band and a backtest', async () => {
    const askedAt = Date.now();
    // From November 2024: more than two years of weeks, so two complete seasons whatever the day.
    const t = (await get(admin, `from=2024-11-01&to=2026-12-31&timeZone=${ZONE}&granularity=week&horizon=4`)).body.data;
    // A week is partial until it has ended (the series' last week ends 2027-01-04 in New York).
    const ends = [...t.series.slice(1).map((p: any) => Date.parse(p.start)), Date.parse('2027-01-04T05:00:00Z')];
    t.series.forEach((p: any, i: number) => {
      if (ends[i] <= askedAt) expect(p).toMatchObject({ period: p.period, partial: false });
      else if (ends[i] > askedAt + 60_000) expect(p).toMatchObject({ period: p.period, partial: true });
    });
    const complete = t.series.filter((p: any) => !p.partial);
    expect(t.series.slice(0, complete.length)).toEqual(complete);
    // The forecast is fitted on the complete weeks from the first with members (the weeks before
    // are before the segment's history) and begins with the first week that is not complete.
    const first = complete.findIndex((p: any) => p.members > 0);
    expect(complete.length - first).toBeGreaterThanOrEqual(104);
    const fit = bestFit(
      complete.slice(first).map((p: any) => p.revenue),
      52
    )!;
    expect(t.forecast.revenue.method).toBe('holt-winters-additive');
    expect(t.forecast.revenue.params).toEqual(fit.params);
    expect(t.forecast.revenue.points.map((p: any) => p.value)).toEqual(forecastPoints(fit, 4).map((p) => p.value));
    const open = t.series.slice(complete.length, complete.length + 4).map((p: any) => p.period);
    expect(t.forecast.revenue.points.map((p: any) => p.period)).toEqual([...open, ...['2027-W01', '2027-W02', '2027-W03', '2027-W04']].slice(0, 4));
    // Up to today: the week under way is the last point, partial, and the forecast's first period.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
    const upToToday = (await get(admin, `from=2026-06-01&to=${today}&timeZone=${ZONE}&granularity=week&horizon=2`)).body.data;
    expect(upToToday.series.at(-1).partial).toBe(true);
    expect(upToToday.series.filter((p: any) => p.partial)).toHaveLength(1);
    expect(upToToday.forecast.revenue.points[0].period).toBe(upToToday.series.at(-1).period);
    // A segment whose members all came in a moment ago has no history to forecast from, and says so.
    const fresh = await client(app, admin)('POST', '/client-insights/segments', {
      name: 'New',
      key: 'new',
      rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
    });
    const everyone = [...Array(data.customers).keys()];
    const cameIn = Date.now() - 1_000;
    await writeMembership(
      app.strapi.db.connection,
      fresh.body.data.id,
      { key: 'new', current: everyone, events: everyone.map((customer) => ({ customer, at: cameIn, kind: 'enter' })) },
      ids
    );
    const newcomer = (
      await client(app, admin)('GET', `/client-insights/segments/trends/${fresh.body.data.id}?from=2026-06-01&to=${today}&timeZone=${ZONE}&granularity=week`)
    ).body.data;
    expect(newcomer.series.at(-1)).toMatchObject({ partial: true, members: data.customers });
    expect(newcomer.series.slice(0, -1).every((p: any) => p.members === 0)).toBe(true);
    expect(newcomer.forecast.revenue).toMatchObject({ method: 'none', points: [], note: 'fewer than 3 complete periods with members: no forecast' });
    const widths = t.forecast.members.points.map((p: any) => p.upper - p.lower);
    expect(widths[3]).toBeGreaterThanOrEqual(widths[0]);
    expect(t.forecast.revenue.backtest).toMatchObject({ heldOut: 4 });
    expect(t.forecast.revenue.backtest.mae).toBeGreaterThanOrEqual(0);
    const monthly = (await get(admin, `from=2024-11-01&to=2026-12-31&timeZone=${ZONE}&granularity=month&horizon=3`)).body.data;
    expect(monthly.forecast.orders.method).toBe('holt-winters-additive');
    const short = (await get(admin, `from=2026-01-01&to=2026-02-28&timeZone=${ZONE}&granularity=month`)).body.data;
    expect(short.forecast.members).toMatchObject({ method: 'none', points: [], backtest: null });
  });

  it('needs reports.read and refuses bad periods naming the field', async () => {
    const without = await restrictedSession(app, ['segments.read']);
    expect((await get(without, 'from=2026-01-01&to=2026-02-01')).status).toBe(403);
    for (const [query, pointer] of [
      ['from=2026-02-01&to=2026-01-01', '/to'],
      ['from=2026-01-01&to=2026-02-01&timeZone=Nowhere/City', '/timeZone'],
      ['from=2019-01-01&to=2026-01-01', '/to'],
      ['from=2026-01-01&to=2026-02-01&granularity=hour', '/granularity'],
      ['from=2026-01-01&to=2026-02-01&horizon=53', '/horizon'],
    ]) {
      const res = await get(admin, query);
      expect({ query, status: res.status, paths: res.body.error?.details?.errors?.map((e: any) => e.path) }).toEqual({
        query,
        status: 400,
        paths: expect.arrayContaining([pointer]),
      });
    }
  });
});
