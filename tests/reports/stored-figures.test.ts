import { UID } from '../../plugins/client-insights/server/src/core/constants';
import { bindDate, readDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { DateTime } from 'luxon';
import { hostTables } from '../../plugins/client-insights/server/src/core/db/tables';
import { periodFiguresKind } from '../../plugins/client-insights/server/src/modules/reports/analytics';
import {
  ASKED_AT_STEP_MS,
  MAX_COMPUTATIONS,
  refreshStored,
  servedFigures,
  type StoredKind,
} from '../../plugins/client-insights/server/src/modules/reports/stored-figures';
import { client } from '../segments/helpers';
import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';
import { expectedMetrics, insertActivity, makeDataset, membersDuring, writeMembership, type Dataset, type SegmentSpec } from './dataset';

/**
 * Segment analytics served from figures stored ahead of the question (reports/stored-figures.ts):
 * the first question computes and stores them; later ones are served from the store while their
 * inputs (activity, the segment's current run) are unchanged; a change through the app marks them
 * stale (served with their "as of" while the refresh runs, then exact again); figures past the
 * maximum age are computed again; `fresh=true` always computes. Trends are stored the same way. Every figure compared is checked
 * against the independent computation of tests/reports/dataset.ts.
 */
const SHANGHAI = 8 * 3_600_000;
const localStart = (day: string) => Date.parse(`${day}T00:00:00Z`) - SHANGHAI;
const nextDay = (day: string) => localStart(day) + 86_400_000;
const period = { from: '2026-01-01', to: '2026-03-31' };
const q = `from=${period.from}&to=${period.to}&timeZone=Asia/Shanghai&compareFrom=2025-10-01&compareTo=2025-12-31`;
const tq = `from=${period.from}&to=${period.to}&timeZone=Asia/Shanghai&granularity=month&horizon=0`;

describe('stored report figures', () => {
  let app: TestApp;
  let admin: string;
  let data: Dataset;
  let ids: number[];
  let spec: SegmentSpec;
  let segmentId: number;
  const knex = () => app.strapi.db.connection;
  const reports = () => app.strapi.plugin('client-insights').service('reports');

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    // Only the refreshes these tests cause: the 5-minute job could otherwise refresh between a change and the question that should find it stale.
    app.strapi.plugin('client-insights').service('scheduler').unschedule('reports.stored-figures');
    admin = await adminSession(app);
    data = makeDataset(20261206);
    ids = await insertActivity(knex(), data);
    spec = data.segments[0];
    const api = client(app, admin);
    for (const s of [spec, { key: 'nobody', events: [], current: [] }]) {
      // Static: no run of its own after the orders these tests write (a dynamic segment re-evaluates changed customers).
      const res = await api('POST', '/client-insights/segments', {
        name: `Seg ${s.key}`,
        key: s.key,
        type: 'static',
        rule: { '==': [{ var: 'customer.name' }, 'nobody'] },
      });
      expect(res.status).toBe(201);
      if (s === spec) segmentId = res.body.data.id;
      await writeMembership(knex(), res.body.data.id, s, ids);
    }
  });
  afterAll(async () => app?.stop());

  const ask = async (extra = '') => {
    const res = await client(app, admin)('GET', `/client-insights/segments/analytics/${segmentId}?${q}${extra}`);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  /** The independent revenue of the segment's members over the period, with the paid orders added since the dataset. */
  const expectedRevenue = (added: number) => {
    const start = localStart(period.from);
    const end = nextDay(period.to);
    return expectedMetrics(data, membersDuring(spec, start, end), start, end, null).revenue + added;
  };
  const storedRows = () => knex()('ci_report_figures').where({ kind: 'period' }).select('question', 'segment_id', 'figures');
  /** A paid order of `amount` in the period for the dataset's customer `index`, through the app, and the rollup drained. */
  const paidOrder = async (index: number, amount: number) => {
    const customer = await app.strapi.db.query(UID.customer).findOne({ where: { id: ids[index] } });
    await app.strapi.documents(UID.order as any).create({
      data: {
        customer: { connect: [{ documentId: customer.documentId }] },
        amount,
        kind: 'new',
        payment_status: 'paid',
        ordered_at: '2026-02-10T04:00:00.000Z',
      } as any,
    });
    await app.strapi.plugin('client-insights').service('metrics').drain();
  };
  const memberIndex = () => [...membersDuring(spec, localStart(period.from), nextDay(period.to))][0];

  it('computes on the first question, stores every segment and all customers, and serves the stored rows after', async () => {
    const before = Date.now();
    const first = await ask();
    expect(first.stale).toBe(false);
    expect(Date.parse(first.asOf)).toBeGreaterThanOrEqual(before - 1000);
    expect(first.metrics.revenue).toBeCloseTo(expectedRevenue(0), 6);
    const rows = await storedRows();
    const nobody = rows.find((r: any) => r.question.startsWith(period.from) && Number(r.segment_id) !== 0 && Number(r.segment_id) !== segmentId);
    // The member-less segment is stored as zeros (not looked for again on every question).
    expect(JSON.parse(nobody.figures)).toMatchObject({ customers: 0, revenue: 0 });
    expect(new Set(rows.map((r: any) => r.question)).size).toBe(2);

    // Served from the store: a stored row changed behind its back (same inputs) is what comes back.
    const mine = { kind: 'period', question: `${period.from}|${period.to}|Asia/Shanghai`, segment_id: segmentId };
    const stored = JSON.parse((await knex()('ci_report_figures').where(mine).first()).figures);
    await knex()('ci_report_figures')
      .where(mine)
      .update({ figures: JSON.stringify({ ...stored, revenue: 123456.78 }) });
    const served = await ask();
    expect(served.metrics.revenue).toBe(123456.78);
    expect(served.asOf).toBe(first.asOf);

    // fresh=true computes now and stores what it computed.
    const fresh = await ask('&fresh=true');
    expect(fresh.metrics.revenue).toBeCloseTo(expectedRevenue(0), 6);
    expect(Date.parse(fresh.asOf)).toBeGreaterThanOrEqual(Date.parse(first.asOf));
    expect((await ask()).metrics.revenue).toBeCloseTo(expectedRevenue(0), 6);
  });

  it('records when stored figures were last asked for without writing on every view', async () => {
    await ask();
    const mine = () => knex()('ci_report_figures').where({ kind: 'period', question: `${period.from}|${period.to}|Asia/Shanghai`, segment_id: segmentId });
    const askedAt = async () => readDate((await mine().first('asked_at')).asked_at)!.getTime();
    // Asked a moment ago: a view within the step leaves the row as it is.
    const recent = new Date(Date.now() - ASKED_AT_STEP_MS + 60_000);
    await mine().update({ asked_at: bindDate(knex(), recent) });
    await ask();
    expect(await askedAt()).toBe(recent.getTime());
    // Asked longer ago than the step: the view moves it to now.
    const before = Date.now();
    await mine().update({ asked_at: bindDate(knex(), new Date(before - ASKED_AT_STEP_MS - 60_000)) });
    await ask();
    expect(await askedAt()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('marks the figures stale after a paid order through the app, refreshes them, then answers the new revenue', async () => {
    const before = await ask();
    expect(before.stale).toBe(false);
    await paidOrder(memberIndex(), 777);
    const stale = await ask();
    expect(stale.stale).toBe(true);
    expect(stale.asOf).toBe(before.asOf);
    expect(stale.metrics.revenue).toBeCloseTo(before.metrics.revenue, 6);
    await reports().settled();
    const after = await ask();
    expect(after.stale).toBe(false);
    expect(after.metrics.revenue).toBeCloseTo(expectedRevenue(777), 6);
    expect(after.metrics.revenue).toBeCloseTo((await ask('&fresh=true')).metrics.revenue, 6);
  });

  it('computes again, rather than serving, figures past the maximum age whose inputs changed', async () => {
    await ask();
    await paidOrder(memberIndex(), 1000);
    await knex()('ci_report_figures').update({ computed_at: bindDate(knex(), new Date(Date.now() - 11 * 60_000)) });
    const res = await ask();
    expect(res.stale).toBe(false);
    expect(Date.now() - Date.parse(res.asOf)).toBeLessThan(60_000);
    expect(res.metrics.revenue).toBeCloseTo(expectedRevenue(1777), 6);
  });

  it('serves a trend series from the store too: stale after a paid order, then the new revenue once refreshed', async () => {
    const trend = async (extra = '') => {
      const res = await client(app, admin)('GET', `/client-insights/segments/trends/${segmentId}?${tq}${extra}`);
      expect(res.status).toBe(200);
      return res.body.data;
    };
    const first = await trend();
    expect(first.stale).toBe(false);
    const february = (d: any) => d.series.find((p: any) => p.period === '2026-02');
    // A customer who was a member during February: the order counts in February's bucket.
    const index = [...membersDuring(spec, localStart('2026-02-01'), localStart('2026-03-01'))][0];
    await paidOrder(index, 500);
    const stale = await trend();
    expect(stale.stale).toBe(true);
    expect(stale.series).toEqual(first.series);
    await reports().settled();
    const after = await trend();
    expect(after.stale).toBe(false);
    expect(february(after).revenue).toBeCloseTo(february(first).revenue + 500, 6);
    expect(after.series).toEqual((await trend('&fresh=true')).series);
  });

  it('computes a question asked relative to its day for the next day before it is asked (the admin default)', async () => {
    const zone = 'Asia/Shanghai';
    const today = DateTime.now().setZone(zone).startOf('day');
    const day = (d: DateTime) => d.toFormat('yyyy-MM-dd');
    const rolling = (d: DateTime) => `from=${day(d.minus({ days: 89 }))}&to=${day(d)}&timeZone=${zone}`;
    const res = await client(app, admin)('GET', `/client-insights/segments/analytics/${segmentId}?${rolling(today)}`);
    expect(res.status).toBe(200);
    // The refresher as it runs just after the next local midnight.
    const tomorrow = today.plus({ days: 1 });
    const computed = await refreshStored(knex(), periodFiguresKind(knex(), hostTables(app.strapi)), tomorrow.plus({ seconds: 1 }).toJSDate());
    expect(computed).toBeGreaterThanOrEqual(1);
    const key = [day(tomorrow.minus({ days: 89 })), day(tomorrow), zone].join('|');
    const stored = await knex()('ci_report_figures').where({ kind: 'period', question: key, segment_id: segmentId }).first();
    expect(stored).toBeTruthy();
    // Its figures are that period's, as computed now.
    const fresh = await client(app, admin)('GET', `/client-insights/segments/analytics/${segmentId}?${rolling(tomorrow)}&fresh=true`);
    expect(JSON.parse(stored.figures)).toMatchObject({ customers: fresh.body.data.metrics.customers, revenue: fresh.body.data.metrics.revenue });
    // A question about fixed days (the first quarter) is not moved on.
    expect(await knex()('ci_report_figures').where('kind', 'period').where('question', 'like', '2026-01-02|%').first()).toBeUndefined();
  });

  it('marks the figures stale after a run changes the segment, and serves its new membership once refreshed', async () => {
    expect((await ask()).stale).toBe(false);
    // The segment's rule selects nobody: the run empties its current membership (exit events now).
    const run = await client(app, admin)('POST', `/client-insights/segments/${segmentId}/execute`, { wait: true, snapshot: true });
    expect(run.status).toBe(200);
    expect((await ask()).stale).toBe(true);
    await reports().settled();
    const after = await ask();
    expect(after.stale).toBe(false);
    expect(after.metrics).toEqual((await ask('&fresh=true')).metrics);
  });

  it('computes the same questions once when they are asked again while being computed', async () => {
    let computations = 0;
    const slow: StoredKind<{ n: number }> = {
      kind: 'test-slow',
      async compute(questions) {
        computations += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return questions.map((q) => new Map(q.segmentIds.map((id) => [id, { n: id }])));
      },
    };
    const questions = [{ key: 'k', segmentIds: [0, segmentId] }];
    const [a, b] = await Promise.all([servedFigures(knex(), slow, questions, { fresh: true }), servedFigures(knex(), slow, questions, { fresh: true })]);
    expect(computations).toBe(1);
    expect(b.asOf).toEqual(a.asOf);
    expect(b.figures[0].get(segmentId)).toEqual({ n: segmentId });
    // Once it is done, a new fresh question computes again.
    await servedFigures(knex(), slow, questions, { fresh: true });
    expect(computations).toBe(2);
  });

  it(`computes at most ${MAX_COMPUTATIONS} questions at once; the others wait their turn and are answered too`, async () => {
    let running = 0;
    let peak = 0;
    const slow: StoredKind<{ n: number }> = {
      kind: 'test-turns',
      async compute(questions) {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 200));
        running -= 1;
        return questions.map((q) => new Map(q.segmentIds.map((id) => [id, { n: id }])));
      },
    };
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => servedFigures(knex(), slow, [{ key: `different-${i}`, segmentIds: [segmentId] }], { fresh: true }))
    );
    expect(peak).toBe(MAX_COMPUTATIONS);
    expect(answers.map((a) => a.figures[0].get(segmentId))).toEqual(Array(5).fill({ n: segmentId }));
  });

  it('refuses fresh=maybe with a 400 naming /fresh', async () => {
    const res = await client(app, admin)('GET', `/client-insights/segments/analytics/${segmentId}?${q}&fresh=maybe`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => e.path)).toContain('/fresh');
  });
});
