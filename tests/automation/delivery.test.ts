import type { Knex } from 'knex';
import { startStrapi, type TestApp } from '../helpers/strapi';
import { inCampaignHoldout } from '../../plugins/client-insights/server/src/modules/reports/holdout';
import { at, createProbe, createRule, DAY, engine, fire, HOUR, logsOf, outboxOf, plus, setRuleStatus, tick, tickClaiming } from './engine';

/**
 * The delivery side of automation on a real database: sequences through the outbox, the worker's
 * claims and leases, retries and the dead letter, and the guard rails at step time. Time moves by
 * `now` given to the worker (in 2031, far from the clock the app's own worker ticks at), never by
 * sleeping. The `sms` handler is a test handler counting performs and distinct effects.
 */
describe('automation delivery', () => {
  let app: TestApp;
  let knex: Knex;
  let probe: ReturnType<typeof createProbe>;
  let customer: (name: string, extra?: Record<string, unknown>) => Promise<number>;
  const T0 = at('2031-03-10T02:00:00Z'); // 10:00 in Asia/Shanghai, the default zone
  const sms = { kind: 'action', action: { type: 'sms', text: { en: 'Hello' } } };
  const manual = { type: 'manual' };
  const noQuiet = { quietHours: false, reentry: { mode: 'every' } };
  const consent = (id: number) => app.strapi.plugin('client-insights').service('customers').setConsent(id, 'sms', { granted: true, source: 'test', by: null });

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
    probe = createProbe();
    customer = async (name, extra = {}) => {
      const c = await app.strapi.documents('api::customer.customer').create({ data: { name, stage: 'signed', ...extra } as any });
      return Number(c.id);
    };
  });
  afterEach(async () => {
    probe.reset();
    app.strapi.config.set('plugin::client-insights.automation', {});
    // Nothing a test left pending reaches the next one.
    await knex('ci_automation_outbox').whereIn('status', ['pending', 'claimed']).update({ status: 'cancelled' });
  });
  afterAll(async () => app?.stop());

  it('runs tag add → wait 1 day → if has the tag: remove it, each step once, the wait as a later due time', async () => {
    const tag = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Welcome', slug: 'welcome', category: 'behavior', visibility: 'global' } as any });
    const tagId = Number(tag.id);
    const id = await customer('Sequence');
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [
        { kind: 'action', action: { type: 'tag', op: 'add', tagId } },
        { kind: 'wait', duration: { amount: 1, unit: 'days' } },
        { kind: 'if', rule: { has_tag: ['welcome'] }, then: [{ kind: 'action', action: { type: 'tag', op: 'remove', tagId } }], else: [] },
      ],
    });
    const tagged = async () => Boolean(await knex('ci_customer_tags').where({ customer_id: id, tag_id: tagId }).first());

    const started = await fire(knex, ruleDoc, id, 'manual:1', T0);
    expect(started).toEqual({ occurrenceId: expect.any(Number) });
    // The same trigger again: the occurrence exists, nothing more is queued.
    expect(await fire(knex, ruleDoc, id, 'manual:1', T0)).toBeNull();

    expect((await tickClaiming(app.strapi, T0)).claimed).toBe(1);
    expect(await tagged()).toBe(true);
    expect((await knex('ci_customer_tags').where({ customer_id: id, tag_id: tagId }).first()).source).toBe('rule');
    let rows = await outboxOf(knex, ruleDoc);
    expect(rows.map((r) => [r.path, r.status])).toEqual([
      ['0', 'done'],
      ['2', 'pending'],
    ]);
    expect(rows[1].dueAt.toISOString()).toBe(plus(T0, DAY).toISOString());
    expect(rows[1].key).toBe(`${ruleDoc}:v1:c${id}:o${started!.occurrenceId}:s2`);

    // Not due yet an hour before.
    expect((await tick(app.strapi, plus(T0, DAY - HOUR))).claimed).toBe(0);
    // The if row, then its branch's row.
    expect((await tickClaiming(app.strapi, plus(T0, DAY))).claimed).toBe(1);
    expect((await tickClaiming(app.strapi, plus(T0, DAY))).claimed).toBe(1);
    expect(await tagged()).toBe(false);
    expect((await tick(app.strapi, plus(T0, 3 * DAY))).claimed).toBe(0);

    rows = await outboxOf(knex, ruleDoc);
    expect(rows.map((r) => [r.path, r.status])).toEqual([
      ['0', 'done'],
      ['2', 'done'],
      ['2.then.0', 'done'],
    ]);
    expect((await logsOf(knex, ruleDoc)).map((l) => [l.status, l.step])).toEqual([
      ['triggered', null],
      ['done', '0'],
      ['done', '2.then.0'],
    ]);
    expect((await knex('ci_automation_occurrences').where({ id: started!.occurrenceId }).first()).state).toBe('done');
  });

  it('a holdout is recorded without any step', async () => {
    const id = await customer('Holdout');
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    expect(await fire(knex, ruleDoc, id, 'manual:h', T0, { holdout: true })).not.toBeNull();
    expect(await outboxOf(knex, ruleDoc)).toEqual([]);
    expect((await knex('ci_automation_occurrences').where({ rule_doc: ruleDoc }).first()).state).toBe('holdout');
  });

  it('two workers draining one outbox never run a row twice', async () => {
    app.strapi.config.set('plugin::client-insights.automation', { batch: 5, concurrency: 2 });
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const ids: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const id = await customer(`Race ${i}`);
      await consent(id);
      ids.push(id);
      await fire(knex, ruleDoc, id, 'manual:race', T0);
    }
    probe.delayMs = 5;
    const drain = async (workerId: string) => {
      let claimed = 0;
      for (;;) {
        const r = await tick(app.strapi, T0, workerId);
        if (r.claimed === 0) return claimed;
        claimed += r.claimed;
      }
    };
    const [a, b] = await Promise.all([drain('node-a'), drain('node-b')]);
    expect(a + b).toBe(30);
    // Both nodes took part (batches of 5 with a 5 ms step: they interleave).
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(probe.performs).toBe(30);
    expect(probe.effects.size).toBe(30);
    expect([...probe.effects.values()].every((n) => n === 1)).toBe(true);
    expect((await outboxOf(knex, ruleDoc)).every((r) => r.status === 'done')).toBe(true);
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.status === 'sent')).toHaveLength(30);
  });

  it('a row claimed by a node that died is claimed again after its lease and its effect happens once', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms, sms], guard: noQuiet });
    app.strapi.config.set('plugin::client-insights.automation', { dailyCap: { sms: 5 } });
    const id = await customer('Crash');
    await consent(id);
    await fire(knex, ruleDoc, id, 'manual:crash', T0);
    // A node claims the row and dies before running it.
    expect(await engine.worker.claimDue(knex, { workerId: 'dead-node', now: T0, leaseMs: 5 * 60_000, batch: 10 })).toHaveLength(1);
    expect((await tick(app.strapi, plus(T0, 60_000))).claimed).toBe(0);
    expect((await tickClaiming(app.strapi, plus(T0, 6 * 60_000))).claimed).toBe(1);
    expect(probe.performs).toBe(1);

    // A node stuck inside the second step (it performed, then hangs): after the lease another node
    // runs the step again with the same key; the stuck node's late finish changes nothing.
    let release!: () => void;
    probe.gate = new Promise<void>((r) => (release = r));
    const stuck = tick(app.strapi, plus(T0, 7 * 60_000), 'stuck-node');
    while (probe.entered < 2) await new Promise((r) => setTimeout(r, 20));
    probe.gate = null;
    const other = await tick(app.strapi, plus(T0, 13 * 60_000), 'other-node');
    expect(other).toEqual({ claimed: 1, lost: 0 });
    release();
    expect(await stuck).toEqual({ claimed: 1, lost: 1 });
    expect(probe.performs).toBe(3);
    // Two distinct effects (steps 0 and 1), each keyed once for the receiver.
    expect(probe.effects.size).toBe(2);
    const rows = await outboxOf(knex, ruleDoc);
    expect(rows.map((r) => [r.path, r.status])).toEqual([
      ['0', 'done'],
      ['1', 'done'],
    ]);
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.status === 'sent').map((l) => l.step)).toEqual(['0', '1']);
  });

  it('retries transient failures with growing backoff, then the dead letter; retryDead puts a row back', async () => {
    const base = 1000;
    app.strapi.config.set('plugin::client-insights.automation', { maxAttempts: 4, retryBaseMs: base, retryCapMs: 60_000 });
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Flaky');
    await consent(id);
    await fire(knex, ruleDoc, id, 'manual:flaky', T0);
    probe.mode = 'transient';
    let now = T0;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await tickClaiming(app.strapi, now)).claimed).toBe(1);
      const [row] = await outboxOf(knex, ruleDoc);
      expect(row.attempts).toBe(attempt);
      if (attempt < 4) {
        expect(row.status).toBe('pending');
        const delay = row.dueAt.getTime() - now.getTime();
        // Full jitter: anywhere in [0, base · 2^(attempt−1)).
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(base * 2 ** (attempt - 1));
        delays.push(delay);
        now = row.dueAt;
      } else expect(row.status).toBe('dead');
    }
    expect(probe.performs).toBe(4);
    const logs = await logsOf(knex, ruleDoc);
    expect(logs.filter((l) => l.status === 'retrying').map((l) => l.attempts)).toEqual([1, 2, 3]);
    expect(logs.filter((l) => l.status === 'dead')).toEqual([expect.objectContaining({ attempts: 4, error: expect.stringContaining('503') })]);

    const [dead] = await outboxOf(knex, ruleDoc);
    expect(await engine.retry.retryDead(knex, dead.id, plus(now, HOUR))).toBe(true);
    expect(await engine.retry.retryDead(knex, dead.id, plus(now, HOUR))).toBe(false);
    probe.mode = 'ok';
    expect((await tickClaiming(app.strapi, plus(now, HOUR))).claimed).toBe(1);
    expect((await outboxOf(knex, ruleDoc))[0].status).toBe('done');
    expect(probe.effects.size).toBe(1);
  });

  it('a step refused before sending (rate limit, open circuit) waits without using up its attempts', async () => {
    app.strapi.config.set('plugin::client-insights.automation', { maxAttempts: 2 });
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Backlog');
    await consent(id);
    await fire(knex, ruleDoc, id, 'manual:deferred', T0);
    probe.mode = { deferredMs: 60_000 };
    let now = T0;
    // More refusals than maxAttempts: still pending, due a minute later each time, no attempt counted.
    for (let i = 0; i < 4; i += 1) {
      expect((await tickClaiming(app.strapi, now)).claimed).toBe(1);
      const [row] = await outboxOf(knex, ruleDoc);
      expect(row).toEqual(expect.objectContaining({ status: 'pending', attempts: 0, dueAt: plus(now, 60_000) }));
      now = row.dueAt;
    }
    probe.mode = 'ok';
    expect((await tickClaiming(app.strapi, now)).claimed).toBe(1);
    expect((await outboxOf(knex, ruleDoc))[0]).toEqual(expect.objectContaining({ status: 'done', attempts: 1 }));
    // One log line for the wait (not one per refusal), then the send.
    expect((await logsOf(knex, ruleDoc)).slice(1).map((l) => [l.status, l.attempts])).toEqual([
      ['retrying', 0],
      ['sent', 1],
    ]);
    expect(probe.performs).toBe(5);
  });

  it('honours Retry-After, and sends a permanent failure to the dead letter at once', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const [a, b] = [await customer('Throttled'), await customer('Invalid')];
    await consent(a);
    await consent(b);
    await fire(knex, ruleDoc, a, 'manual:ra', T0);
    probe.mode = { retryAfterMs: 120_000 };
    await tick(app.strapi, T0);
    expect((await outboxOf(knex, ruleDoc))[0].dueAt.toISOString()).toBe(plus(T0, 120_000).toISOString());

    await knex('ci_automation_outbox').where({ rule_doc: ruleDoc }).update({ status: 'cancelled' });
    await fire(knex, ruleDoc, b, 'manual:perm', T0);
    probe.mode = 'permanent';
    await tick(app.strapi, T0);
    const row = (await outboxOf(knex, ruleDoc)).find((r) => r.status !== 'cancelled')!;
    expect(row).toEqual(expect.objectContaining({ status: 'dead', attempts: 1 }));
    expect((await logsOf(knex, ruleDoc)).at(-1)).toEqual(expect.objectContaining({ status: 'dead', error: expect.stringContaining('invalid number') }));
  });

  it("defers an external step to the end of the customer's quiet hours", async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: { reentry: { mode: 'every' } } });
    const id = await customer('Night owl');
    await consent(id);
    const night = at('2031-03-10T14:30:00Z'); // 22:30 in Shanghai
    await fire(knex, ruleDoc, id, 'manual:quiet', night);
    await tick(app.strapi, night);
    expect(probe.performs).toBe(0);
    const [row] = await outboxOf(knex, ruleDoc);
    expect(row.status).toBe('pending');
    expect(row.dueAt.toISOString()).toBe('2031-03-11T00:00:00.000Z'); // 08:00 in Shanghai
    expect((await tick(app.strapi, plus(night, HOUR))).claimed).toBe(0);
    await tick(app.strapi, row.dueAt);
    expect(probe.performs).toBe(1);
    expect((await outboxOf(knex, ruleDoc))[0].status).toBe('done');
  });

  it('skips over the daily cap and without consent, logged with the reason, and goes on', async () => {
    const tag = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Reached', slug: 'reached', category: 'behavior', visibility: 'global' } as any });
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [sms, sms, { kind: 'action', action: { type: 'tag', op: 'add', tagId: Number(tag.id) } }],
      guard: noQuiet,
    });
    const [capped, silent] = [await customer('Capped'), await customer('No consent')];
    await consent(capped);
    await fire(knex, ruleDoc, capped, 'manual:cap', T0);
    await fire(knex, ruleDoc, silent, 'manual:cap', T0);
    for (let i = 0; i < 3; i += 1) await tick(app.strapi, T0);
    expect(probe.performs).toBe(1);
    const logs = (await logsOf(knex, ruleDoc)).filter((l) => l.status !== 'triggered');
    expect(logs.filter((l) => l.customer === capped).map((l) => [l.step, l.status, l.reason])).toEqual([
      ['0', 'sent', null],
      ['1', 'skipped', 'frequency_cap'],
      ['2', 'done', null],
    ]);
    expect(logs.filter((l) => l.customer === silent).map((l) => [l.step, l.status, l.reason])).toEqual([
      ['0', 'skipped', 'no_consent'],
      ['1', 'skipped', 'no_consent'],
      ['2', 'done', null],
    ]);
    // The next calendar day in Shanghai (16:00 UTC is midnight there): the cap starts again.
    await fire(knex, ruleDoc, capped, 'manual:cap2', at('2031-03-10T16:30:00Z'));
    app.strapi.config.set('plugin::client-insights.automation', { quietHours: { start: '00:00', end: '00:00' } });
    await tick(app.strapi, at('2031-03-10T16:30:00Z'));
    expect(probe.performs).toBe(2);
  });

  it('two sequences of one customer in one batch still respect the cap', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Busy');
    await consent(id);
    for (const key of ['a', 'b', 'c']) await fire(knex, ruleDoc, id, `manual:busy-${key}`, T0);
    expect((await tick(app.strapi, T0)).claimed).toBe(3);
    expect(probe.performs).toBe(1);
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.reason === 'frequency_cap')).toHaveLength(2);
  });

  it('two nodes running steps of one customer at once still respect the cap; a send that fails gives its slot back', async () => {
    // One row per claim, so that each node takes one of the customer's two rows and both decide at once.
    app.strapi.config.set('plugin::client-insights.automation', { batch: 1 });
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Two nodes');
    await consent(id);
    for (const key of ['a', 'b']) await fire(knex, ruleDoc, id, `manual:nodes-${key}`, T0);
    probe.delayMs = 100; // the first send is not logged yet when the other node decides
    const [a, b] = await Promise.all([tick(app.strapi, T0, 'node-a'), tick(app.strapi, T0, 'node-b')]);
    expect(a.claimed + b.claimed).toBe(2);
    expect(probe.performs).toBe(1);
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.reason === 'frequency_cap')).toHaveLength(1);

    // A transient failure is not a send: the retry, the same day, still has the day's one sms.
    probe.reset();
    const other = await customer('Retried');
    await consent(other);
    await fire(knex, ruleDoc, other, 'manual:retried', T0);
    probe.mode = 'transient';
    await tick(app.strapi, T0);
    probe.mode = 'ok';
    const [row] = await outboxOf(knex, ruleDoc).then((rows) => rows.filter((r) => r.status === 'pending'));
    await tick(app.strapi, row.dueAt);
    expect(probe.performs).toBe(2);
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.customer === other).map((l) => l.status)).toEqual(['triggered', 'retrying', 'sent']);
  });

  it('suppresses churned customers unless the rule includes them', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const included = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: { ...noQuiet, includeChurned: true } });
    const id = await customer('Gone', { stage: 'churned' });
    await consent(id);
    await fire(knex, ruleDoc, id, 'manual:churn', T0);
    await fire(knex, included, id, 'manual:churn', T0);
    await tick(app.strapi, T0);
    expect(probe.performs).toBe(1);
    expect((await logsOf(knex, ruleDoc)).at(-1)).toEqual(expect.objectContaining({ status: 'skipped', reason: 'churned' }));
    expect((await logsOf(knex, included)).at(-1)).toEqual(expect.objectContaining({ status: 'sent' }));
  });

  it("skips the customers in the holdout of the action's campaign, with the report's buckets, logged with the reason", async () => {
    const campaign = await app.strapi
      .documents('api::campaign.campaign')
      .create({ data: { name: `Holdout ${Date.now()}`, channel: 'sms', holdout_percent: 40 } as any });
    const campaignId = Number(campaign.id);
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [{ kind: 'action', action: { ...sms.action, campaignId } }], guard: noQuiet });
    // Customers until both groups have some: which one a customer falls in is the report's bucket, not chance here.
    const ids: number[] = [];
    while (
      ids.length < 30 &&
      (!ids.some((id) => inCampaignHoldout(campaignId, id, 40)) || ids.every((id) => inCampaignHoldout(campaignId, id, 40)) || ids.length < 6)
    ) {
      const id = await customer(`Audience ${ids.length}`);
      await consent(id);
      ids.push(id);
    }
    const held = ids.filter((id) => inCampaignHoldout(campaignId, id, 40));
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(ids.length);
    for (const id of ids) await fire(knex, ruleDoc, id, 'manual:holdout', T0);
    await tick(app.strapi, T0);
    expect(probe.performs).toBe(ids.length - held.length);
    const logs = (await logsOf(knex, ruleDoc)).filter((l) => l.status !== 'triggered');
    // The worker runs a batch's rows concurrently: logs in customer order.
    const skipped = logs.filter((l) => l.status === 'skipped').sort((a, b) => a.customer - b.customer);
    expect(skipped.map((l) => [l.customer, l.reason])).toEqual(held.map((id) => [id, 'campaign_holdout']));
    expect(
      logs
        .filter((l) => l.status === 'sent')
        .map((l) => l.customer)
        .sort((a, b) => a - b)
    ).toEqual(ids.filter((id) => !held.includes(id)));
  });

  it('exit (left the segment) and goal (its rule holds) cancel the rest of a sequence', async () => {
    const tag = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Goal', slug: 'goal-met', category: 'behavior', visibility: 'global' } as any });
    const wait = { kind: 'wait', duration: { amount: 2, unit: 'hours' } };
    const goalRule = await createRule(app.strapi, {
      trigger: manual,
      steps: [{ kind: 'action', action: { type: 'tag', op: 'add', tagId: Number(tag.id) } }, wait, sms],
      guard: { ...noQuiet, goal: { has_tag: ['goal-met'] } },
    });
    const segmentId = 990_001;
    const exitRule = await createRule(app.strapi, { trigger: manual, steps: [sms, wait, sms], guard: { ...noQuiet, exitOnLeaveSegment: segmentId } });
    const [g, e] = [await customer('Goal'), await customer('Leaver')];
    await consent(g);
    await consent(e);
    app.strapi.config.set('plugin::client-insights.automation', { dailyCap: { sms: 5 } });
    await knex('ci_segment_current').insert({
      segment_id: segmentId,
      run_id: 77,
      updated_at: knex.client.config.client.includes('sqlite') ? Date.now() : new Date(),
    });
    await knex('ci_segment_members').insert({ segment_id: segmentId, run_id: 77, customer_id: e });

    await fire(knex, goalRule, g, 'manual:goal', T0);
    await fire(knex, exitRule, e, 'manual:exit', T0);
    await tick(app.strapi, T0);
    expect(probe.performs).toBe(1); // the leaver's first sms; the goal rule's tag was added
    await knex('ci_segment_members').where({ segment_id: segmentId, customer_id: e }).delete();
    await tick(app.strapi, plus(T0, 2 * HOUR));
    expect(probe.performs).toBe(1);
    // Every line of both, so that a failure shows what happened instead.
    const lines = async (doc: string) => (await logsOf(knex, doc)).map((l) => [l.step, l.status, l.reason]);
    expect(await lines(goalRule)).toEqual([
      [null, 'triggered', null],
      ['0', 'done', null],
      ['2', 'exited', 'goal_reached'],
    ]);
    expect(await lines(exitRule)).toEqual([
      [null, 'triggered', null],
      ['0', 'sent', null],
      ['2', 'exited', 'exit_condition'],
    ]);
    for (const doc of [goalRule, exitRule]) {
      expect((await outboxOf(knex, doc)).at(-1)!.status).toBe('cancelled');
      expect((await knex('ci_automation_occurrences').where({ rule_doc: doc }).first()).state).toBe('exited');
    }
  });

  it('holds the steps of a paused rule (logged once) and runs them when it is active again; a deleted rule cancels', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Paused');
    await consent(id);
    await fire(knex, ruleDoc, id, 'manual:pause', T0);
    await setRuleStatus(app.strapi, ruleDoc, 'paused');
    await tick(app.strapi, T0);
    await tick(app.strapi, plus(T0, 10 * 60_000));
    expect(probe.performs).toBe(0);
    expect((await outboxOf(knex, ruleDoc))[0].status).toBe('pending');
    expect((await logsOf(knex, ruleDoc)).filter((l) => l.reason === 'rule_paused')).toHaveLength(1);
    await setRuleStatus(app.strapi, ruleDoc, 'active');
    await tick(app.strapi, plus(T0, 20 * 60_000));
    expect(probe.performs).toBe(1);

    // Deleted through the Document Service: its waiting steps are cancelled in the delete's transaction.
    const other = await customer('Deleted');
    await consent(other);
    await fire(knex, ruleDoc, other, 'manual:deleted', T0);
    await app.strapi.documents('api::automation-rule.automation-rule').delete({ documentId: ruleDoc });
    expect((await outboxOf(knex, ruleDoc)).at(-1).status).toBe('cancelled');
    await tick(app.strapi, T0);
    expect(probe.performs).toBe(1);

    // Deleted below it (raw SQL): the worker finds no rule and skips the step, logged.
    const rawDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    await fire(knex, rawDoc, other, 'manual:raw-delete', T0);
    await knex('automation_rules').where({ document_id: rawDoc }).delete();
    await tick(app.strapi, T0);
    expect(probe.performs).toBe(1);
    expect((await logsOf(knex, rawDoc)).at(-1)).toEqual(expect.objectContaining({ status: 'skipped', reason: 'rule_deleted' }));
  });

  it('internal actions: the stage through the Document Service, a static segment gains the customer, a dynamic one is refused', async () => {
    const sqlite = knex.client.config.client.includes('sqlite');
    const segment = (key: string, type: string) =>
      app.strapi
        .documents('api::segment.segment')
        .create({ data: { name: key, key, type, segment_status: 'active', visibility: 'global', rule: { has_tag: ['welcome'] } } as any });
    const fixed = await segment('fixed-list', 'static');
    const moving = await segment('moving-list', 'dynamic');
    for (const s of [fixed, moving]) await knex('ci_segment_current').insert({ segment_id: s.id, run_id: 501, updated_at: sqlite ? Date.now() : new Date() });
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      steps: [
        { kind: 'action', action: { type: 'stage', stage: 'in_service' } },
        { kind: 'action', action: { type: 'segment', segmentId: Number(fixed.id) } },
        { kind: 'action', action: { type: 'segment', segmentId: Number(moving.id) } },
      ],
      guard: noQuiet,
    });
    const id = await customer('Mover');
    await fire(knex, ruleDoc, id, 'manual:internal', T0);
    for (let i = 0; i < 3; i += 1) await tick(app.strapi, T0);
    // The app's own worker may hold the last step (due by the real clock too) while these ticks
    // run: until its log line is written, tick on.
    for (let i = 0; i < 100 && (await logsOf(knex, ruleDoc)).length < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tick(app.strapi, T0);
    }
    expect((await knex('customers').where({ id }).first()).stage).toBe('in_service');
    expect(await knex('ci_segment_members').where({ segment_id: fixed.id, run_id: 501 }).pluck('customer_id')).toEqual([id]);
    expect(await knex('ci_segment_events').where({ segment_id: fixed.id, customer_id: id }).pluck('kind')).toEqual(['enter']);
    expect(await knex('ci_segment_members').where({ segment_id: moving.id })).toEqual([]);
    expect((await logsOf(knex, ruleDoc)).slice(1).map((l) => [l.step, l.status])).toEqual([
      ['0', 'done'],
      ['1', 'done'],
      ['2', 'dead'],
    ]);
    expect((await logsOf(knex, ruleDoc)).at(-1)!.error).toContain('dynamic');
  });

  it('checks the conditions again before a step that follows a wait', async () => {
    const tag = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Lead', slug: 'hot-lead', category: 'behavior', visibility: 'global' } as any });
    const ruleDoc = await createRule(app.strapi, {
      trigger: manual,
      conditions: { has_tag: ['hot-lead'] },
      steps: [sms, { kind: 'wait', duration: { amount: 3, unit: 'hours' } }, sms],
      guard: noQuiet,
    });
    app.strapi.config.set('plugin::client-insights.automation', { dailyCap: { sms: 5 } });
    const id = await customer('Cooling');
    await consent(id);
    await app.strapi.plugin('client-insights').service('tags').applyForAutomation(id, Number(tag.id), 'add', T0);
    await fire(knex, ruleDoc, id, 'manual:cond', T0);
    await tick(app.strapi, T0);
    await app.strapi.plugin('client-insights').service('tags').applyForAutomation(id, Number(tag.id), 'remove', T0);
    await tick(app.strapi, plus(T0, 3 * HOUR));
    expect(probe.performs).toBe(1);
    expect((await logsOf(knex, ruleDoc)).at(-1)).toEqual(expect.objectContaining({ status: 'exited', reason: 'condition_false', step: '2' }));
  });

  it('purges log lines older than the retention', async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Old');
    await fire(knex, ruleDoc, id, 'manual:old', plus(T0, -100 * DAY));
    await fire(knex, ruleDoc, id, 'manual:new', plus(T0, -10 * DAY));
    expect(await engine.logs.purgeLogs(knex, 90, T0)).toBeGreaterThanOrEqual(1);
    expect((await logsOf(knex, ruleDoc)).map((l) => l.status)).toEqual(['triggered']);
  });

  it('dry run: the times steps would run (waits, quiet hours), branches and renders, writing nothing', async () => {
    const id = await customer('Tested');
    const before = await knex('ci_automation_outbox').count({ n: '*' }).first();
    const c = (await engine.customer.loadActionCustomer(app.strapi, knex, id))!;
    expect(c.timezone).toBe('Asia/Shanghai');
    const steps = await engine.dryRun.dryRunSteps(
      app.strapi,
      {
        trigger: manual,
        conditions: null,
        steps: [
          { kind: 'wait_until', time: '21:30' },
          { kind: 'if', rule: { has_tag: ['nope'] }, then: [], else: [sms] },
        ],
        guard: { reentry: { mode: 'once' }, quietHours: true, includeChurned: false, holdoutPercent: 0 },
      } as any,
      c,
      T0
    );
    expect(steps.map((s) => [s.path, s.outcome, s.at, s.reason])).toEqual([
      ['0', 'wait', '2031-03-10T13:30:00.000Z', null],
      ['1', 'branch_else', '2031-03-10T13:30:00.000Z', null],
      // 21:30 is in the quiet hours: the SMS would go at 08:00 the next morning; no consent recorded.
      ['1.else.0', 'skipped', '2031-03-11T00:00:00.000Z', 'no_consent'],
    ]);
    expect(steps[2].rendered).toEqual(expect.objectContaining({ summary: `SMS to customer ${id}` }));
    expect(await knex('ci_automation_outbox').count({ n: '*' }).first()).toEqual(before);
  });
  // Last: it stops this app's own worker (the one bootstrap started, ticking on the clock).
  it("the node's worker runs a step at once when nudged, and on stop lets the step in progress finish", async () => {
    const ruleDoc = await createRule(app.strapi, { trigger: manual, steps: [sms], guard: noQuiet });
    const id = await customer('Live');
    await consent(id);
    let release!: () => void;
    probe.gate = new Promise<void>((r) => (release = r));
    await fire(knex, ruleDoc, id, 'manual:live', new Date());
    engine.worker.nudgeWorker(app.strapi);
    while (probe.entered < 1) await new Promise((r) => setTimeout(r, 20));
    let stopped = false;
    const stopping = engine.worker.stopWorker(app.strapi)!.then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await outboxOf(knex, ruleDoc))[0].status).toBe('done');
    expect((await logsOf(knex, ruleDoc)).at(-1)).toEqual(expect.objectContaining({ status: 'sent' }));
  });
});
