import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';

describe('value-charts endpoint (quadrant scatter and CLV histogram)', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await adminSession(app);
    const docs = app.strapi.documents('api::customer.customer');
    const scores: Array<[string, number, number, number | null]> = [
      ['high_value', 5, 5, 9000],
      ['high_value', 5, 5, 7000],
      ['high_value', 4, 5, 5000],
      ['dormant', 1, 1, 100],
      ['churn_risk', 2, 3, null],
    ];
    const rows = [];
    for (const [i, [quadrant, r, m, clv]] of scores.entries()) {
      const c = await docs.create({ data: { name: `客户${i}`, stage: 'signed' } as any });
      rows.push({ customer_id: c.id, r, f: 3, m, rfm: 3, quadrant, clv, churn_risk: quadrant === 'churn_risk' ? 0.8 : 0.1 });
    }
    await app.strapi.db.connection('ci_customer_scores').insert(rows);
  });
  afterAll(async () => app?.stop());

  it('aggregates scores per quadrant × R × M and buckets CLV', async () => {
    const res = await fetch(`${app.url}/client-insights/overview/value-charts`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as any;
    const hv = data.points.filter((p: any) => p.quadrant === 'high_value');
    expect(hv.map((p: any) => [p.r, p.m, p.customers])).toEqual([
      [4, 5, 1],
      [5, 5, 2],
    ]);
    expect(hv.find((p: any) => p.r === 5).avgClv).toBeCloseTo(8000);
    const q = data.quadrants.find((x: any) => x.quadrant === 'high_value');
    expect(q).toMatchObject({ customers: 3 });
    expect(q.representatives.map((c: any) => c.clv)).toEqual([9000, 7000, 5000]);
    // Super admins see names unmasked.
    expect(q.representatives[0].name).toMatch(/^客户\d$/);
    expect(data.clvHistogram).toHaveLength(20);
    expect(data.clvHistogram.reduce((s: number, b: any) => s + b.customers, 0)).toBe(4);
    expect(data.clvHistogram[0]).toMatchObject({ from: 100, customers: 1 });
    expect(data.clvHistogram[19].customers).toBe(1); // the maximum lands in the last bucket
  });
});
