import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { defaultValueConfig, type ValueConfig } from '../../plugins/client-insights/server/src/modules/values/config';
import { refreshValues } from '../../plugins/client-insights/server/src/modules/values/refresh';
import { hostTables } from '../../plugins/client-insights/server/src/core/db/tables';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { bruteForceRfm, clearPeople, insertPeople, makePeople, type Person } from './dataset';

/**
 * RFM in SQL (one statement, window functions) equals a brute-force JS computation on every
 * database, with many ties; equal values get equal scores whatever the insertion order.
 */
const NOW = new Date('2026-06-01T00:00:00.000Z');

describe('RFM scores', () => {
  let app: TestApp;
  let people: Person[];
  let ids: Map<string, number>;
  beforeAll(async () => {
    app = await startStrapi();
    people = makePeople(20260601, 70, NOW);
    const knex = app.strapi.db.connection;
    ids = await insertPeople(knex, people, (ms) => bindDate(knex, new Date(ms)));
  });
  afterAll(async () => app?.stop());

  const run = async (config: ValueConfig) => {
    const knex = app.strapi.db.connection;
    const result = await refreshValues({ knex, tables: hostTables(app.strapi), config, now: NOW, trigger: 'script' });
    const scores = await knex('ci_customer_scores').select('*');
    const history = await knex('ci_value_score_history').where({ run_id: result.runId }).select('*');
    const byId = new Map(history.map((h: any) => [Number(h.customer_id), h]));
    return {
      result,
      byName: (name: string) => {
        const id = ids.get(name)!;
        const s = scores.find((row: any) => Number(row.customer_id) === id);
        return { score: s, history: byId.get(id) as any };
      },
    };
  };

  const compare = async (config: ValueConfig) => {
    const expected = bruteForceRfm(people, config.rfm as any, NOW, config.quadrants);
    const { result, byName } = await run(config);
    expect(result.stats.customers).toBe(people.length);
    const mismatches: string[] = [];
    for (const [name, e] of expected) {
      const { score, history } = byName(name);
      const got = {
        r: Number(score.r),
        f: Number(score.f),
        m: Number(score.m),
        segment: score.rfm_segment,
        quadrant: score.quadrant,
        recency: history.recency_days === null ? null : Number(history.recency_days),
        frequency: Number(history.frequency),
        monetary: Number(history.monetary),
      };
      const want = { r: e.r, f: e.f, m: e.m, segment: e.segment, quadrant: e.quadrant, recency: e.recency, frequency: e.frequency, monetary: e.monetary };
      if (JSON.stringify(got) !== JSON.stringify(want) || Math.abs(Number(score.rfm) - e.rfm) > 1e-4) {
        mismatches.push(`${name}: got ${JSON.stringify(got)} rfm=${score.rfm}, want ${JSON.stringify(want)} rfm=${e.rfm}`);
      }
    }
    expect(mismatches).toEqual([]);
    return { expected, result };
  };

  it('quantile scores (defaults) equal the brute force, ties included', async () => {
    const { expected, result } = await compare(defaultValueConfig());
    // The data really has ties and spans the scale.
    const ms = [...expected.values()].map((e) => e.m);
    expect(new Set(ms).size).toBeGreaterThanOrEqual(4);
    const buyers = [...expected.values()].filter((e) => e.frequency > 0);
    expect(new Set(buyers.map((b) => b.monetary)).size).toBeLessThan(buyers.length);
    expect(result.stats.withoutOrders).toBeGreaterThan(0);
  });

  it('other definitions, thresholds and weights equal the brute force; missing R is counted', async () => {
    const config = defaultValueConfig();
    config.rfm = {
      ...config.rfm,
      recency: 'last_interaction',
      frequency: 'meetings_attended',
      monetary: 'gross_margin',
      periodDays: 365,
      weights: { r: 2, f: 1, m: 0.5 },
    };
    const { expected, result } = await compare(config);
    const missing = people.filter((p) => p.orders.some((o) => o.status === 'paid') && p.interactions.length === 0).length;
    expect(missing).toBeGreaterThan(0);
    expect(result.stats.missingRecency).toBe(missing);
    expect(result.stats.missingMargin).toBeGreaterThan(0);
    expect([...expected.values()].some((e) => e.recency === null)).toBe(true);

    config.rfm = {
      ...config.rfm,
      recency: 'last_contract',
      frequency: 'renewals',
      monetary: 'revenue',
      scoring: { method: 'thresholds', r: [0, 30, 180, 365], f: [1, 2, 3, 4], m: [1000, 2000, 4000, 8000] },
    };
    await compare(config);
  });

  it('equal values get equal scores whatever order the rows were inserted in; an M outlier moves nobody else', async () => {
    const config = defaultValueConfig();
    const before = await run(config);
    const snapshot = new Map(people.map((p) => [p.name, before.byName(p.name).score]));
    const knex = app.strapi.db.connection;
    await clearPeople(knex);
    // Reverse insertion order: ids, physical order and scan order all change.
    ids = await insertPeople(knex, [...people].reverse(), (ms) => bindDate(knex, new Date(ms)));
    const after = await run(config);
    for (const p of people) {
      const a = snapshot.get(p.name);
      const b = after.byName(p.name).score;
      expect([p.name, b.r, b.f, b.m, b.rfm_segment, b.quadrant]).toEqual([p.name, a.r, a.f, a.m, a.rfm_segment, a.quadrant]);
    }
    // The top spender becomes an outlier (×1000): every score stays; its stored M is capped.
    const expected = bruteForceRfm(people, config.rfm as any, NOW);
    const top = [...expected.entries()].sort((x, y) => y[1].monetary - x[1].monetary)[0][0];
    const topOrders = await knex('orders_customer_lnk')
      .where({ customer_id: ids.get(top) })
      .select('order_id');
    await knex('orders')
      .whereIn(
        'id',
        topOrders.map((o: any) => o.order_id)
      )
      .update({ amount: 5_000_000 });
    const outlier = await run(config);
    for (const p of people) {
      const a = snapshot.get(p.name);
      const b = outlier.byName(p.name).score;
      expect([p.name, b.r, b.f, b.m]).toEqual([p.name, a.r, a.f, a.m]);
    }
    const capped = outlier.byName(top).history;
    expect(Number(capped.monetary)).toBeGreaterThan(Number(capped.monetary_capped));
  });

  it('scores by value when a letter has few distinct values: 3 order counts give F 1, 3, 5, monotone in the count', async () => {
    const knex = app.strapi.db.connection;
    await clearPeople(knex);
    // 30 buyers: most with one paid order, a few with two or three (as on the demo data), and 2 prospects.
    // Quintiles would give F = 1 to every one-order buyer and F = 5 to everyone else.
    const order = (days: number, amount: number) => ({
      amount,
      margin: 100,
      kind: 'new' as const,
      status: 'paid' as const,
      at: NOW.getTime() - days * 86_400_000,
      contractEnd: null,
    });
    const few: Person[] = Array.from({ length: 30 }, (_, i) => ({
      name: `F${String(i).padStart(2, '0')}`,
      orders: Array.from({ length: i < 22 ? 1 : i < 27 ? 2 : 3 }, (_, k) => order(5 + 40 * k + i, 1000 + 100 * i)),
      interactions: [],
      riskTag: false,
    }));
    few.push({ name: 'F-prospect-1', orders: [], interactions: [], riskTag: false }, { name: 'F-prospect-2', orders: [], interactions: [], riskTag: false });
    people = few;
    ids = await insertPeople(knex, people, (ms) => bindDate(knex, new Date(ms)));
    const { expected, result } = await compare(defaultValueConfig());
    expect(result.stats.scoredByValue).toEqual(['f']);
    const byCount = new Map<number, Set<number>>();
    for (const e of expected.values()) if (e.frequency > 0) byCount.set(e.frequency, (byCount.get(e.frequency) ?? new Set()).add(e.f));
    // One score per order count, rising with it, over more than two scores.
    expect([...byCount.entries()].sort((a, b) => a[0] - b[0]).map(([count, scores]) => [count, [...scores]])).toEqual([
      [1, [1]],
      [2, [3]],
      [3, [5]],
    ]);
  });
});
