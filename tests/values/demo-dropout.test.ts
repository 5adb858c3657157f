import { seedWithMetrics } from '../../src/demo-data/seed';
import { startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The demo data follow the BG/NBD story (customers buy at their own rate and drop out after a
 * purchase with their own probability), so the fitted churn model is not at its no-dropout limit
 * and P(alive) separates active buyers from lapsed ones.
 */
describe('demo data with dropout', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
    await seedWithMetrics(app.strapi, { customers: 2000, seed: 42, anchor: new Date('2026-06-30T00:00:00Z') });
    await app.strapi.plugin('client-insights').service('values').runNow('script');
  });
  afterAll(async () => app?.stop());

  it('fits a BG/NBD model with dropout and spreads P(alive)', async () => {
    const { runId, models } = await app.strapi.plugin('client-insights').service('values').models();
    const bgnbd = models.find((m: any) => m.kind === 'bgnbd');
    expect(bgnbd).toBeDefined();
    expect(models.find((m: any) => m.kind === 'clv').method).toBe('bgnbd');
    const { a, b } = bgnbd.params;
    expect(a).toBeGreaterThan(0.01);
    expect(b).toBeGreaterThan(0.01);
    console.log(`BG/NBD ${JSON.stringify(bgnbd.params)}`);

    const alive = (await app.strapi.db.connection('ci_value_model_scores').where({ run_id: runId }).whereNotNull('p_alive').pluck('p_alive')).map(Number);
    expect(alive.length).toBeGreaterThan(500);
    const share = (test: (p: number) => boolean) => alive.filter(test).length / alive.length;
    const sorted = [...alive].sort((x, y) => x - y);
    console.log(
      `P(alive) at 10, 25, 50, 75, 90 %: ${[0.1, 0.25, 0.5, 0.75, 0.9].map((q) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(3)).join(' ')} of ${alive.length}`
    );
    expect(share((p) => p < 0.5)).toBeGreaterThan(0.1);
    expect(share((p) => p > 0.9)).toBeGreaterThan(0.1);
  });
});
