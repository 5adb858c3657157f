import type { Knex } from 'knex';
import { explainTrigger } from '../../plugins/client-insights/server/src/modules/automation/engine/explain';
import { automationDefinitionSchema } from '../../plugins/client-insights/shared/contracts/automation-definition';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { at, createProbe, createRule, engine, fire, outboxOf, tick, tickClaiming } from './engine';

/**
 * Automation in the customer's time zone (issue 14, "Time"), on a real database through the real
 * worker and time triggers: quiet hours and waits across the daylight-saving changes of
 * America/New_York and Europe/Berlin (spring forward and fall back), and in Asia/Shanghai (none);
 * the daily cap counted in the customer's calendar day (25 hours long on the fall-back day); a
 * relative-date trigger that fires on the customer's own day at UTC+14 and UTC−10 near midnight.
 *
 * Time moves by the `now` given to the worker and the time triggers (in 2031, far from the clock
 * the app's own loops tick at). The `sms` handler is the test probe of engine.ts (external, so
 * quiet hours apply; channel sms, so consent and the cap apply).
 */
describe('automation in the customer time zone', () => {
  let app: TestApp;
  let knex: Knex;
  let probe: ReturnType<typeof createProbe>;
  const sms = { kind: 'action', action: { type: 'sms', text: { en: 'Hello' } } };
  const manual = { type: 'manual' };
  const setAutomation = (settings: Record<string, unknown>) => app.strapi.config.set('plugin::client-insights.automation', settings);

  /** A customer in `timezone` who agreed to SMS. */
  const customer = async (name: string, timezone: string) => {
    const c = await app.strapi.documents('api::customer.customer').create({ data: { name, stage: 'signed', timezone } as any });
    await app.strapi.plugin('client-insights').service('customers').setConsent(Number(c.id), 'sms', { granted: true, source: 'test', by: null });
    return { id: Number(c.id), documentId: c.documentId as string };
  };
  const pending = async (ruleDoc: string) => (await outboxOf(knex, ruleDoc)).filter((r) => r.status === 'pending');
  /** The one pending row's due time. */
  const nextDue = async (ruleDoc: string) => {
    const rows = await pending(ruleDoc);
    expect(rows).toHaveLength(1);
    return rows[0].dueAt.toISOString();
  };

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
    // The test ticks the worker itself at chosen instants. The app's own worker scans the same
    // index with FOR UPDATE SKIP LOCKED, and on MariaDB a row its scan holds for a moment is
    // skipped by the test's tick (the next tick takes it): one tick's count would depend on timing.
    await engine.worker.stopWorker(app.strapi);
    probe = createProbe();
  });
  afterEach(async () => {
    probe.reset();
    setAutomation({});
    await knex('ci_automation_outbox').whereIn('status', ['pending', 'claimed']).update({ status: 'cancelled' });
  });
  afterAll(async () => app?.stop());

  it('quiet hours in America/New_York end at 08:00 local on the days the clocks change (12:00 UTC in spring, 13:00 UTC in autumn)', async () => {
    const c = await customer('New York', 'America/New_York');
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: { reentry: { mode: 'every' } } });
    // Sat 2031-03-08 22:00 EST: quiet. The clocks go forward at 02:00 on Sunday; the hold ends at 08:00 EDT.
    const spring = at('2031-03-09T03:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:spring', spring);
    expect((await tickClaiming(app.strapi, spring)).claimed).toBe(1);
    expect(probe.performs).toBe(0);
    expect(await nextDue(ruleDoc)).toBe('2031-03-09T12:00:00.000Z');
    expect((await tick(app.strapi, at('2031-03-09T11:59:00Z'))).claimed).toBe(0);
    expect((await tickClaiming(app.strapi, at('2031-03-09T12:00:00Z'))).claimed).toBe(1);
    expect(probe.performs).toBe(1);

    // Sat 2031-11-01 22:00 EDT: quiet. The clocks go back at 02:00 on Sunday; the hold ends at 08:00 EST.
    const autumn = at('2031-11-02T02:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:autumn', autumn);
    await tick(app.strapi, autumn);
    expect(await nextDue(ruleDoc)).toBe('2031-11-02T13:00:00.000Z');
    // 01:30 EST, the repeated hour, is still quiet: the row keeps its time.
    expect((await tick(app.strapi, at('2031-11-02T06:30:00Z'))).claimed).toBe(0);
    // 12:00 UTC is 07:00 EST (08:00 by the summer offset): still quiet.
    expect((await tick(app.strapi, at('2031-11-02T12:00:00Z'))).claimed).toBe(0);
    expect((await tickClaiming(app.strapi, at('2031-11-02T13:00:00Z'))).claimed).toBe(1);
    expect(probe.performs).toBe(2);
    expect(probe.effects.size).toBe(2);
    expect((await tick(app.strapi, at('2031-11-03T13:00:00Z'))).claimed).toBe(0);
  });

  it('quiet hours and waits in Asia/Shanghai (no daylight saving): 08:00 is 00:00 UTC, a day is 24 hours', async () => {
    setAutomation({ dailyCap: { sms: 10 } });
    const c = await customer('Shanghai', 'Asia/Shanghai');
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [sms, { kind: 'wait', duration: { amount: 1, unit: 'days' } }, sms, { kind: 'wait_until', time: '09:00' }, sms],
      guard: { reentry: { mode: 'every' } },
    });
    // 22:00 in Shanghai: held until 08:00 there.
    const t = at('2031-03-09T14:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:sh', t);
    await tick(app.strapi, t);
    expect(await nextDue(ruleDoc)).toBe('2031-03-10T00:00:00.000Z');
    await tick(app.strapi, at('2031-03-10T00:00:00Z'));
    expect(probe.performs).toBe(1);
    // Wait 1 day from 08:00 → 08:00 the next day, exactly 24 hours.
    expect(await nextDue(ruleDoc)).toBe('2031-03-11T00:00:00.000Z');
    await tick(app.strapi, at('2031-03-11T00:00:00Z'));
    // Wait until 09:00 from 08:00 → 09:00 the same day.
    expect(await nextDue(ruleDoc)).toBe('2031-03-11T01:00:00.000Z');
    await tick(app.strapi, at('2031-03-11T01:00:00Z'));
    expect(probe.performs).toBe(3);
    expect(await pending(ruleDoc)).toHaveLength(0);
  });

  it('waits across the Europe/Berlin changes: "1 day" keeps the wall time (23 h in spring, 25 h in autumn), "24 hours" does not', async () => {
    setAutomation({ dailyCap: { sms: 10 } });
    const c = await customer('Berlin', 'Europe/Berlin');
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [sms, { kind: 'wait', duration: { amount: 1, unit: 'days' } }, sms, { kind: 'wait', duration: { amount: 24, unit: 'hours' } }, sms],
      guard: { reentry: { mode: 'every' }, quietHours: false },
    });
    // Sat 2031-03-29 10:00 CET → Sun 10:00 CEST (08:00 UTC, 23 hours) → Mon 10:00 CEST (24 hours).
    const spring = at('2031-03-29T09:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:spring', spring);
    await tick(app.strapi, spring);
    expect(await nextDue(ruleDoc)).toBe('2031-03-30T08:00:00.000Z');
    await tick(app.strapi, at('2031-03-30T08:00:00Z'));
    expect(await nextDue(ruleDoc)).toBe('2031-03-31T08:00:00.000Z');
    await tick(app.strapi, at('2031-03-31T08:00:00Z'));
    expect(probe.performs).toBe(3);

    // Sat 2031-10-25 10:00 CEST → Sun 10:00 CET (09:00 UTC, 25 hours) → Mon 09:00 UTC (24 hours).
    const autumn = at('2031-10-25T08:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:autumn', autumn);
    await tick(app.strapi, autumn);
    expect(await nextDue(ruleDoc)).toBe('2031-10-26T09:00:00.000Z');
    expect((await tick(app.strapi, at('2031-10-26T08:00:00Z'))).claimed).toBe(0);
    await tick(app.strapi, at('2031-10-26T09:00:00Z'));
    expect(await nextDue(ruleDoc)).toBe('2031-10-27T09:00:00.000Z');
    await tick(app.strapi, at('2031-10-27T09:00:00Z'));
    expect(probe.performs).toBe(6);
    expect(probe.effects.size).toBe(6);
  });

  it('"wait until" a time the spring change skips runs at the shifted time, once; in the autumn at the first of the two', async () => {
    setAutomation({ dailyCap: { sms: 10 } });
    const c = await customer('Berlin night', 'Europe/Berlin');
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [{ kind: 'wait_until', time: '02:30' }, sms],
      guard: { reentry: { mode: 'every' }, quietHours: false },
    });
    // Sat 2031-03-29 22:00 CET: 02:30 does not exist on Sunday (02:00 → 03:00); 03:30 CEST = 01:30 UTC.
    const spring = at('2031-03-29T21:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:spring', spring);
    await tick(app.strapi, spring);
    expect(await nextDue(ruleDoc)).toBe('2031-03-30T01:30:00.000Z');
    await tick(app.strapi, at('2031-03-30T01:30:00Z'));
    expect(probe.performs).toBe(1);

    // Sat 2031-10-25 22:00 CEST: 02:30 happens twice on Sunday; the first (CEST, 00:30 UTC) runs it, once.
    const autumn = at('2031-10-25T20:00:00Z');
    await fire(knex, ruleDoc, c.id, 'manual:autumn', autumn);
    await tick(app.strapi, autumn);
    expect(await nextDue(ruleDoc)).toBe('2031-10-26T00:30:00.000Z');
    await tick(app.strapi, at('2031-10-26T00:30:00Z'));
    expect((await tick(app.strapi, at('2031-10-26T01:30:00Z'))).claimed).toBe(0);
    expect(probe.performs).toBe(2);
    expect(await pending(ruleDoc)).toHaveLength(0);
  });

  it("counts the daily cap in the customer's calendar day, 25 hours long when New York's clocks go back", async () => {
    setAutomation({ dailyCap: { sms: 1 } });
    const c = await customer('Cap', 'America/New_York');
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: { reentry: { mode: 'every' }, quietHours: false } });
    const send = async (key: string, when: Date) => {
      await fire(knex, ruleDoc, c.id, key, when);
      await tick(app.strapi, when);
    };
    // Sun 2031-11-02 00:30 EDT and 23:30 EST: one local day, 24 hours apart in UTC (two UTC days).
    await send('manual:early', at('2031-11-02T04:30:00Z'));
    await send('manual:late', at('2031-11-03T04:30:00Z'));
    // 00:30 on Monday: a new local day.
    await send('manual:monday', at('2031-11-03T05:30:00Z'));
    const logs = await knex('ci_automation_logs').where({ rule_doc: ruleDoc }).whereNotNull('action').orderBy('id');
    expect(logs.map((l: any) => [l.status, l.reason])).toEqual([
      ['sent', null],
      ['skipped', 'frequency_cap'],
      ['sent', null],
    ]);
    expect(probe.performs).toBe(2);
  });

  it("a date trigger fires on the customer's own day: UTC+14 and UTC−10 customers whose contracts end near midnight", async () => {
    // Kiritimati (UTC+14): ends 2031-07-01 10:30 UTC = 2 July 00:30 there → fires 2 June 09:00 there (1 June 19:00 UTC).
    // Honolulu (UTC−10): ends 2031-07-02 09:30 UTC = 1 July 23:30 there → fires 1 June 09:00 there (1 June 19:00 UTC).
    // By UTC dates each would fire a day off: Kiritimati on 1 June 09:00 UTC, Honolulu on 2 June 09:00 UTC.
    const kiritimati = await customer('Kiritimati', 'Pacific/Kiritimati');
    const honolulu = await customer('Honolulu', 'Pacific/Honolulu');
    for (const [c, end] of [
      [kiritimati, '2031-07-01T10:30:00Z'],
      [honolulu, '2031-07-02T09:30:00Z'],
    ] as const)
      await app.strapi.documents('api::order.order').create({
        data: {
          customer: { connect: [{ documentId: c.documentId }] },
          amount: 100,
          kind: 'new',
          payment_status: 'paid',
          ordered_at: '2030-07-01T00:00:00Z',
          contract_end_at: end,
        } as any,
      });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const definition = automationDefinitionSchema.parse({ trigger: { type: 'date', field: 'metrics.contract_end_at', days: -30, at: '09:00' }, steps: [sms] });
    const ruleDoc = await createRule(app.strapi, definition);
    const run = (iso: string) => app.strapi.plugin('client-insights').service('automationTriggers').runTimeTriggers(at(iso));
    const occurrences = async () =>
      (await knex('ci_automation_occurrences').where({ rule_doc: ruleDoc }).orderBy('id')).map((o: any) => [Number(o.customer_id), o.trigger_key]);

    await run('2031-06-01T09:00:00Z');
    await run('2031-06-01T18:59:00Z');
    expect(await occurrences()).toEqual([]);
    await run('2031-06-01T19:00:00Z');
    const fired = [
      [kiritimati.id, 'date:metrics.contract_end_at:2031-06-02'],
      [honolulu.id, 'date:metrics.contract_end_at:2031-06-01'],
    ].sort((a, b) => Number(a[0]) - Number(b[0]));
    expect((await occurrences()).sort((a, b) => a[0] - b[0])).toEqual(fired);
    // Later ticks, including the UTC day a naive reading would pick, fire nothing more.
    for (const iso of ['2031-06-01T19:01:00Z', '2031-06-02T09:00:00Z', '2031-06-02T19:00:00Z', '2031-06-03T19:00:00Z']) await run(iso);
    expect(await occurrences()).toHaveLength(2);
    // The test mode reads the same day in the customer's zone.
    for (const [c, day] of [
      [kiritimati, '2031-06-02'],
      [honolulu, '2031-06-01'],
    ] as const)
      expect(await explainTrigger(app.strapi, definition, c.id, at('2031-06-01T19:00:00Z'))).toMatchObject({
        matches: true,
        explanation: expect.stringContaining(`so it fires on ${day}`),
      });
    expect((await explainTrigger(app.strapi, definition, kiritimati.id, at('2031-06-01T09:00:00Z'))).matches).toBe(false);
    // Each SMS goes out at 09:00 of the customer's day (outside their quiet hours), once.
    expect((await tick(app.strapi, at('2031-06-01T19:00:00Z'))).claimed).toBe(2);
    expect(probe.performs).toBe(2);
  });
});
