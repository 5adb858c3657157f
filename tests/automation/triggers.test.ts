import { DateTime } from 'luxon';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { inHoldout } from '../../plugins/client-insights/server/src/modules/automation/engine/occurrences';
import { explainConditions, explainTrigger } from '../../plugins/client-insights/server/src/modules/automation/engine/explain';
import { forecast } from '../../plugins/client-insights/server/src/modules/automation/engine/forecast';
import { automationDefinitionSchema } from '../../plugins/client-insights/shared/contracts/automation-definition';
import { apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { engine as modules } from './engine';

/**
 * The trigger side of the automation engine against a real database: events written in the
 * writer's transaction, the inbox turned into exactly one occurrence (and outbox row) per rule,
 * customer and key, guard rails logged when they skip, time triggers once per key across ticks.
 */
const RULE = 'api::automation-rule.automation-rule';
const C = 'api::customer.customer';
const I = 'api::interaction.interaction';
const O = 'api::order.order';
const DAY = 86_400_000;
const STEP = { kind: 'action', action: { type: 'tag', op: 'add', tagId: 1 } };
const PLACEHOLDER = { trigger: { type: 'manual' }, conditions: null, actions: [{ kind: 'wait', duration: { amount: 1, unit: 'minutes' } }] };

describe('automation triggers', () => {
  let app: TestApp;
  const knex = () => app.strapi.db.connection;
  const engine = () => app.strapi.plugin('client-insights').service('automationTriggers');
  const docs = (uid: string) => app.strapi.documents(uid as any);

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    // The test drives the inbox and the ticks itself (the lifecycles and hooks stay on), and reads
    // the outbox rows the inbox wrote before any worker claims them (a drain nudges the worker).
    await engine().stop();
    await modules.worker.stopWorker(app.strapi);
  });
  afterAll(async () => app?.stop());

  /** An active rule: the host row, version 1 of its definition (activated in 2020), rule_status active. Other rules paused. */
  const activate = async (definition: Record<string, unknown>, activatedAt = new Date('2020-01-01T00:00:00Z')) => {
    const def = automationDefinitionSchema.parse({ steps: [STEP], ...definition });
    await app.strapi.db.query(RULE).updateMany({ where: {}, data: { rule_status: 'paused' } });
    // The engine runs the version row; the host row only names the rule and holds its status
    // (a placeholder definition, since the write check refuses references to rows the test never made).
    const rule = await docs(RULE).create({ data: { name: `rule ${Math.random()}`, ...PLACEHOLDER, rule_status: 'draft' } as any });
    await knex()('ci_automation_versions').insert({
      rule_doc: rule.documentId,
      version: 1,
      definition: JSON.stringify(def),
      high_risk: false,
      created_at: bindDate(knex(), activatedAt),
    });
    await app.strapi.db.query(RULE).update({ where: { documentId: rule.documentId }, data: { rule_status: 'active' } });
    return rule.documentId as string;
  };
  const customer = async (data: Record<string, unknown> = {}) => {
    const c = await docs(C).create({ data: { name: `c${Math.random()}`, stage: 'consultation', ...data } as any });
    return { id: Number(c.id), documentId: c.documentId as string };
  };
  const interact = (c: { documentId: string }, type: string, data: Record<string, unknown> = {}) =>
    docs(I).create({ data: { customer: c.documentId, type, occurred_at: new Date().toISOString(), ...data } as any });
  const occurrences = (ruleDoc: string) => knex()('ci_automation_occurrences').where('rule_doc', ruleDoc).orderBy('id');
  const outbox = (ruleDoc: string) => knex()('ci_automation_outbox').where('rule_doc', ruleDoc).orderBy('id');
  const skips = (ruleDoc: string) => knex()('ci_automation_logs').where({ rule_doc: ruleDoc, status: 'skipped' }).orderBy('id');
  /** A dynamic segment of the customers of `region` (metrics drained first), not run yet. */
  const regionSegment = async (name: string, region: string) => {
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const segments = app.strapi.plugin('client-insights').service('segments');
    const segment = await segments.create(
      { kind: 'api' },
      { name, rule: { '==': [{ var: 'customer.region' }, region] }, type: 'dynamic', status: 'active', priority: 100, visibility: 'global', execute: false }
    );
    return { segments, segment };
  };
  const inboxCount = async () => Number((await knex()('ci_automation_inbox').count({ n: '*' }).first()).n);

  it('an interaction created through the Document Service gives exactly one occurrence and outbox row; a re-delivered inbox row fires nothing more', async () => {
    const rule = await activate({ trigger: { type: 'event', event: 'interaction.email_click' } });
    const c = await customer();
    await interact(c, 'email_click', { channel: 'email' });
    const [row] = await knex()('ci_automation_inbox').where({ event: 'interaction.email_click', customer_id: c.id });
    expect(row).toBeDefined();

    await engine().drainInbox();
    expect(await inboxCount()).toBe(0);
    const occ = await occurrences(rule);
    expect(occ).toHaveLength(1);
    expect(occ[0]).toMatchObject({ customer_id: c.id, trigger_key: `interaction.email_click:${row.ref}`, state: 'running' });
    const out = await outbox(rule);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ step_path: '0', status: 'pending', customer_id: c.id });
    expect(JSON.parse(out[0].context)).toMatchObject({ event: 'interaction.email_click', data: { channel: 'email', type: 'email_click' } });

    // The same inbox row again (a crash after the effects but before the delete would do this).
    const { id: _id, ...copy } = row;
    await knex()('ci_automation_inbox').insert(copy);
    await engine().drainInbox();
    expect(await occurrences(rule)).toHaveLength(1);
    expect(await outbox(rule)).toHaveLength(1);
    expect(await inboxCount()).toBe(0);
  });

  it('a rolled-back write leaves no inbox row (the event commits with the change)', async () => {
    const c = await customer();
    const before = await inboxCount();
    await expect(
      app.strapi.db.transaction(async () => {
        await interact(c, 'website_visit');
        throw new Error('roll back');
      })
    ).rejects.toThrow('roll back');
    expect(await inboxCount()).toBe(before);
  });

  it('applies filters and conditions; a false condition is logged as skipped', async () => {
    const rule = await activate({
      trigger: { type: 'event', event: 'interaction.form_submitted', filters: { channel: 'web' } },
      conditions: { '==': [{ var: 'customer.region' }, 'Beijing'] },
      guard: { reentry: { mode: 'every' } },
    });
    const beijing = await customer({ region: 'Beijing' });
    const shanghai = await customer({ region: 'Shanghai' });
    await interact(beijing, 'form_submitted', { channel: 'web' });
    await interact(beijing, 'form_submitted', { channel: 'wechat' });
    await interact(shanghai, 'form_submitted', { channel: 'web' });
    await engine().drainInbox();
    const occ = await occurrences(rule);
    expect(occ.map((o: any) => [o.customer_id, o.state])).toEqual([
      [beijing.id, 'running'],
      [shanghai.id, 'skipped'],
    ]);
    expect((await skips(rule)).map((l: any) => [l.customer_id, l.reason, Number(l.occurrence_id)])).toEqual([
      [shanghai.id, 'condition_false', Number(occ[1].id)],
    ]);
    expect(await outbox(rule)).toHaveLength(1);
    // The next pass has nothing left, and logs nothing again.
    await engine().drainInbox();
    expect(await skips(rule)).toHaveLength(1);
  });

  it('re-entry: once, cooldown N days, every', async () => {
    const once = await activate({ trigger: { type: 'event', event: 'interaction.website_visit' } });
    const c = await customer();
    await interact(c, 'website_visit');
    await interact(c, 'website_visit');
    await engine().drainInbox();
    expect((await occurrences(once)).map((o: any) => o.state)).toEqual(['running', 'skipped']);
    expect((await skips(once)).map((l: any) => l.reason)).toEqual(['reentry']);

    const cooldown = await activate({ trigger: { type: 'event', event: 'interaction.website_visit' }, guard: { reentry: { mode: 'cooldown', days: 3 } } });
    await interact(c, 'website_visit');
    await engine().drainInbox();
    await interact(c, 'website_visit');
    await engine().drainInbox();
    expect((await occurrences(cooldown)).map((o: any) => o.state)).toEqual(['running', 'skipped']);
    // Four days later the cooldown is over.
    await knex()('ci_automation_occurrences')
      .where('rule_doc', cooldown)
      .update({ fired_at: bindDate(knex(), new Date(Date.now() - 4 * DAY)) });
    await interact(c, 'website_visit');
    await engine().drainInbox();
    expect((await occurrences(cooldown)).map((o: any) => o.state)).toEqual(['running', 'skipped', 'running']);

    const every = await activate({ trigger: { type: 'event', event: 'interaction.website_visit' }, guard: { reentry: { mode: 'every' } } });
    await interact(c, 'website_visit');
    await interact(c, 'website_visit');
    await engine().drainInbox();
    expect((await occurrences(every)).map((o: any) => o.state)).toEqual(['running', 'running']);
  });

  it('suppresses churned customers unless the rule includes them', async () => {
    const churned = await customer({ stage: 'churned' });
    const suppressed = await activate({ trigger: { type: 'event', event: 'interaction.complaint' } });
    await interact(churned, 'complaint');
    await engine().drainInbox();
    expect((await skips(suppressed)).map((l: any) => l.reason)).toEqual(['churned']);

    const included = await activate({ trigger: { type: 'event', event: 'interaction.complaint' }, guard: { includeChurned: true } });
    await interact(churned, 'complaint');
    await engine().drainInbox();
    expect((await occurrences(included)).map((o: any) => o.state)).toEqual(['running']);
  });

  it('holdout is reproducible: the same customers, fire after fire, and no outbox row for them', async () => {
    const rule = await activate({ trigger: { type: 'manual' }, guard: { reentry: { mode: 'every' }, holdoutPercent: 50 } });
    const ids: number[] = [];
    for (let i = 0; i < 12; i += 1) ids.push((await customer()).id);
    const first = await engine().fireManual(rule, { customerIds: ids }, 'req-1');
    const second = await engine().fireManual(rule, { customerIds: ids }, 'req-2');
    const expected = ids.filter((id) => inHoldout(rule, id, 50));
    expect(first.holdout).toBe(expected.length);
    expect(second.holdout).toBe(expected.length);
    expect(first.fired + first.holdout).toBe(12);
    const held = await occurrences(rule).where('state', 'holdout');
    expect(held.map((o: any) => o.customer_id).sort((a: number, b: number) => a - b)).toEqual([...expected, ...expected].sort((a, b) => a - b));
    expect(await outbox(rule).whereIn('customer_id', expected)).toHaveLength(0);
    // The same request again fires nothing.
    const again = await engine().fireManual(rule, { customerIds: ids }, 'req-1');
    expect(again).toMatchObject({ fired: 0, holdout: 0, duplicate: 12 });
  });

  it('stage changes, paid orders and tag assignments reach the inbox and fire their rules', async () => {
    const stageRule = await activate({ trigger: { type: 'event', event: 'stage.changed', filters: { toStage: 'signed' } } });
    const c = await customer();
    await docs(C).update({ documentId: c.documentId, data: { stage: 'application' } as any });
    await docs(C).update({ documentId: c.documentId, data: { stage: 'signed' } as any });
    await docs(C).update({ documentId: c.documentId, data: { region: 'Hangzhou' } as any });
    const stageRows = await knex()('ci_automation_inbox').where({ event: 'stage.changed', customer_id: c.id });
    expect(stageRows.map((r: any) => JSON.parse(r.payload))).toEqual([
      { from: 'consultation', to: 'application' },
      { from: 'application', to: 'signed' },
    ]);
    await engine().drainInbox();
    expect(await occurrences(stageRule)).toHaveLength(1);

    const paidRule = await activate({ trigger: { type: 'event', event: 'order.paid' } });
    const order = await docs(O).create({
      data: { customer: c.documentId, amount: 100, kind: 'new', payment_status: 'pending', ordered_at: new Date().toISOString() } as any,
    });
    await docs(O).update({ documentId: order.documentId, data: { payment_status: 'paid' } as any });
    await docs(O).update({ documentId: order.documentId, data: { amount: 120 } as any });
    // Created paid: an event too (re-entry `once` skips it for this customer, with a log line).
    const paidAtOnce = await docs(O).create({
      data: { customer: c.documentId, amount: 50, kind: 'upsell', payment_status: 'paid', ordered_at: new Date().toISOString() } as any,
    });
    await engine().drainInbox();
    expect((await occurrences(paidRule)).map((o: any) => [o.trigger_key, o.state])).toEqual([
      [`order.paid:${order.id}`, 'running'],
      [`order.paid:${paidAtOnce.id}`, 'skipped'],
    ]);

    const tag = await docs('api::tag.tag').create({
      data: { name: `VIP ${Math.random()}`, slug: `vip-${Date.now()}`, category: 'basic', visibility: 'global' } as any,
    });
    const tagRule = await activate({ trigger: { type: 'event', event: 'tag.applied', filters: { tagId: Number(tag.id) } } });
    await app.strapi.plugin('client-insights').service('tags').assign({ kind: 'system' }, c.id, Number(tag.id), null);
    await engine().drainInbox();
    expect(await occurrences(tagRule)).toHaveLength(1);
  });

  it('a value refresh writes one inbox row, expanded into a quadrant.changed occurrence per customer whose quadrant moved since the run before', async () => {
    const values = app.strapi.plugin('client-insights').service('values');
    const moved = await customer();
    await docs(O).create({
      data: { customer: moved.documentId, amount: 900, kind: 'new', payment_status: 'paid', ordered_at: new Date().toISOString() } as any,
    });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await values.runNow('script');
    // Nobody listens to quadrant changes yet: the run's row is done with unread.
    await engine().drainInbox();
    expect(await inboxCount()).toBe(0);

    const rule = await activate({ trigger: { type: 'event', event: 'quadrant.changed' } });
    const [first] = await knex()('ci_value_runs').where('status', 'success').orderBy('id', 'desc').limit(1).select('id');
    // The customer stood in another quadrant in that run: the next run moves them back.
    const row = await knex()('ci_value_score_history').where({ run_id: first.id, customer_id: moved.id }).first('quadrant');
    const earlier = row.quadrant === 'high_value' ? 'dormant' : 'high_value';
    await knex()('ci_value_score_history').where({ run_id: first.id, customer_id: moved.id }).update({ quadrant: earlier });
    await values.runNow('script');
    const [second] = await knex()('ci_value_runs').where('status', 'success').orderBy('id', 'desc').limit(1).select('id');
    const [inbox] = await knex()('ci_automation_inbox').where({ event: 'values.run' });
    expect(JSON.parse(inbox.payload)).toEqual({ runId: second.id, previousRunId: first.id });

    await engine().drainInbox();
    // Exactly the customers whose quadrant differs between the two runs, as SQL reads them.
    const changed = await knex()('ci_value_score_history as h')
      .join('ci_value_score_history as p', (j: any) => j.on('p.customer_id', 'h.customer_id').andOnVal('p.run_id', '=', first.id))
      .where('h.run_id', second.id)
      .whereRaw('p.quadrant <> h.quadrant')
      .orderBy('h.customer_id')
      .select('h.customer_id', 'p.quadrant as from', 'h.quadrant as to');
    expect(changed.map((c: any) => Number(c.customer_id))).toContain(moved.id);
    const occ = await occurrences(rule);
    expect(occ.map((o: any) => [Number(o.customer_id), o.trigger_key])).toEqual(
      changed.map((c: any) => [Number(c.customer_id), `quadrant.changed:${second.id}:${c.customer_id}`])
    );
    const context = JSON.parse((await outbox(rule)).find((o: any) => Number(o.customer_id) === moved.id).context);
    expect(context).toMatchObject({ event: 'quadrant.changed', data: { from: earlier, to: row.quadrant, runId: second.id } });
    const explained = await explainTrigger(
      app.strapi,
      automationDefinitionSchema.parse({ steps: [STEP], trigger: { type: 'event', event: 'quadrant.changed' } }),
      moved.id,
      new Date()
    );
    expect(explained).toMatchObject({ matches: true, explanation: expect.stringContaining(`was ${earlier} and is ${row.quadrant}`) });
    // Processed twice (a crash before the delete): the same keys, nothing more.
    const { id: _id, ...again } = inbox;
    await knex()('ci_automation_inbox').insert(again);
    await engine().drainInbox();
    expect(await occurrences(rule)).toHaveLength(occ.length);
  });

  it('a segment run writes one inbox row, expanded into segment.enter occurrences (decided in SQL: churned skipped and logged)', async () => {
    const region = `R${Date.now()}`;
    const members = [(await customer({ region })).id, (await customer({ region })).id, (await customer({ region })).id];
    const churned = (await customer({ region, stage: 'churned' })).id;
    const { segments, segment } = await regionSegment(`Seg ${region}`, region);
    const rule = await activate({ trigger: { type: 'event', event: 'segment.enter', filters: { segmentId: segment.id } } });
    await segments.executor().execute(segment.id, { trigger: 'manual' });
    expect(await knex()('ci_automation_inbox').where('event', 'segment.run')).toHaveLength(1);
    await engine().drainInbox();
    expect((await occurrences(rule).whereNot('state', 'skipped')).map((o: any) => o.customer_id).sort()).toEqual([...members].sort());
    expect(await inboxCount()).toBe(0);
    // Each started one has its step "0" under the key startSequence gives it, and a `triggered` line; the churned member a skip.
    const started = await occurrences(rule).whereNot('state', 'skipped');
    const outbox = await knex()('ci_automation_outbox').where('rule_doc', rule).orderBy('customer_id');
    expect(outbox.map((r: any) => r.idem_key)).toEqual(
      [...started].sort((a: any, b: any) => a.customer_id - b.customer_id).map((o: any) => `${rule}:v1:c${o.customer_id}:o${o.id}:s0`)
    );
    expect(JSON.parse(outbox[0].context)).toMatchObject({ event: 'segment.enter', data: { event: 'segment.enter', segmentId: segment.id }, afterWait: false });
    const logs = await knex()('ci_automation_logs').where('rule_doc', rule).whereIn('status', ['triggered', 'skipped']);
    expect(
      logs
        .filter((l: any) => l.status === 'triggered')
        .map((l: any) => Number(l.customer_id))
        .sort()
    ).toEqual([...members].sort());
    expect(logs.filter((l: any) => l.status === 'skipped').map((l: any) => [Number(l.customer_id), l.reason])).toEqual([[churned, 'churned']]);
    // A run processed again meets its own keys: nothing more.
    const again = await knex()('ci_segment_events').where({ segment_id: segment.id, kind: 'enter' }).max({ id: 'id' }).first();
    const runId = (await knex()('ci_segment_events').where({ segment_id: segment.id, kind: 'enter' }).first('run_id')).run_id;
    await knex()('ci_automation_inbox').insert({
      event: 'segment.run',
      customer_id: null,
      ref: String(runId),
      payload: JSON.stringify({ segmentId: segment.id, runId, lastEventId: Number(again.id) }),
      occurred_at: bindDate(knex(), new Date()),
    });
    await engine().drainInbox();
    expect(await occurrences(rule)).toHaveLength(4);
    expect(await knex()('ci_automation_outbox').where('rule_doc', rule)).toHaveLength(3);
    // (The node's worker may have run step "0" meanwhile: only the trigger side's lines are counted.)
    expect(await knex()('ci_automation_logs').where('rule_doc', rule).whereIn('status', ['triggered', 'skipped'])).toHaveLength(4);

    // Between runs, a re-evaluation writes one row per customer who moved (ref: the segment event).
    const late = await customer({ region });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await segments.applyPendingChanges();
    const [row] = await knex()('ci_automation_inbox').where({ event: 'segment.enter', customer_id: late.id });
    const [entered] = await knex()('ci_segment_events').where({ segment_id: segment.id, customer_id: late.id, kind: 'enter' });
    expect(row.ref).toBe(String(entered.id));
    await engine().drainInbox();
    expect((await occurrences(rule).where('customer_id', late.id)).map((o: any) => o.trigger_key)).toEqual([`segment.enter:${entered.id}`]);
  });

  it('a segment run decides a rule with conditions in SQL: the same reasons and order as one customer at a time', async () => {
    const region = `Q${Date.now()}`;
    const signed = (await customer({ region, stage: 'signed' })).id;
    const consulting = (await customer({ region })).id;
    const churned = (await customer({ region, stage: 'churned' })).id;
    const signedBefore = (await customer({ region, stage: 'signed' })).id;
    const consultingBefore = (await customer({ region })).id;
    const { segments, segment } = await regionSegment(`Cond ${region}`, region);
    const rule = await activate({
      trigger: { type: 'event', event: 'segment.enter', filters: { segmentId: segment.id } },
      conditions: { '==': [{ var: 'customer.stage' }, 'signed'] },
      guard: { reentry: { mode: 'once' } },
    });
    // Two members ran the rule before: re-entry is decided before the conditions, as in occurrences.ts.
    for (const id of [signedBefore, consultingBefore])
      await knex()('ci_automation_occurrences').insert({
        rule_doc: rule,
        version: 1,
        customer_id: id,
        trigger_key: 'manual:before',
        state: 'done',
        test: false,
        fired_at: bindDate(knex(), new Date()),
      });
    await segments.executor().execute(segment.id, { trigger: 'manual' });
    await engine().drainInbox();
    const byCustomer = async () =>
      (await knex()('ci_automation_logs').where('rule_doc', rule).whereIn('status', ['triggered', 'skipped']))
        .map((l: any) => [Number(l.customer_id), l.status, l.reason])
        .sort((a: any, b: any) => a[0] - b[0]);
    expect(await byCustomer()).toEqual(
      [
        [signed, 'triggered', null],
        [consulting, 'skipped', 'condition_false'],
        [churned, 'skipped', 'churned'],
        [signedBefore, 'skipped', 'reentry'],
        [consultingBefore, 'skipped', 'reentry'],
      ].sort((a: any, b: any) => a[0] - b[0])
    );
    expect((await outbox(rule)).map((r: any) => Number(r.customer_id))).toEqual([signed]);
  });

  it('a failure between reading the inbox and the commit loses nothing: the rows stay and fire on the next pass', async () => {
    const rule = await activate({ trigger: { type: 'event', event: 'interaction.referral' } });
    const c = await customer();
    // The outbox insert fails inside the batch's transaction (after the occurrence was written). The
    // table goes before the event is written, so no pass of the inbox can take the row in between.
    await knex().schema.renameTable('ci_automation_outbox', 'ci_automation_outbox_away');
    try {
      await interact(c, 'referral');
      expect(await knex()('ci_automation_inbox').where({ event: 'interaction.referral', customer_id: c.id })).toHaveLength(1);
      // What the pass did when it did not fail is part of the message (CI once saw it succeed).
      const outcome = await engine()
        .drainInbox()
        .then(
          (counts: unknown) => ({ passed: counts }),
          (error: Error) => ({ failed: error.message })
        );
      expect(outcome).toEqual({ failed: expect.any(String) });
    } finally {
      await knex().schema.renameTable('ci_automation_outbox_away', 'ci_automation_outbox');
    }
    expect(await knex()('ci_automation_inbox').where({ event: 'interaction.referral', customer_id: c.id })).toHaveLength(1);
    expect(await occurrences(rule)).toHaveLength(0);
    await engine().drainInbox();
    expect(await occurrences(rule)).toHaveLength(1);
    expect(await outbox(rule)).toHaveLength(1);
  });

  it('absence: signed up, no check-in within a day: fires once the window closed, once across two ticks', async () => {
    const rule = await activate({ trigger: { type: 'absence', event: 'event_signup', missing: 'event_checkin', within: { amount: 1, unit: 'days' } } });
    const t = new Date(Date.now() - 3 * DAY);
    const missed = await customer();
    const came = await customer();
    await interact(missed, 'event_signup', { occurred_at: t.toISOString() });
    await interact(came, 'event_signup', { occurred_at: t.toISOString() });
    await interact(came, 'event_checkin', { occurred_at: new Date(t.getTime() + 3_600_000).toISOString() });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    // Before the window closes: nothing.
    await engine().runTimeTriggers(new Date(t.getTime() + DAY / 2));
    expect(await occurrences(rule)).toHaveLength(0);
    await engine().runTimeTriggers(new Date());
    await engine().runTimeTriggers(new Date(Date.now() + 60_000));
    const occ = await occurrences(rule);
    expect(occ.map((o: any) => [o.customer_id, o.trigger_key])).toEqual([[missed.id, `absence:event_signup:${t.toISOString()}`]]);
  });

  it('absence with a channel filter reads the interactions themselves', async () => {
    const rule = await activate({
      trigger: {
        type: 'absence',
        event: 'meeting_scheduled',
        missing: 'meeting_attended',
        within: { amount: 2, unit: 'hours' },
        filters: { channel: 'wechat' },
      },
    });
    const t = new Date(Date.now() - DAY);
    const wechat = await customer();
    const web = await customer();
    await interact(wechat, 'meeting_scheduled', { occurred_at: t.toISOString(), channel: 'wechat' });
    await interact(web, 'meeting_scheduled', { occurred_at: t.toISOString(), channel: 'web' });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await engine().runTimeTriggers(new Date());
    await engine().runTimeTriggers(new Date());
    expect((await occurrences(rule)).map((o: any) => o.customer_id)).toEqual([wechat.id]);
  });

  it('inactivity: 7 days without a follow-up, once per quiet spell', async () => {
    const rule = await activate({ trigger: { type: 'inactivity', event: 'follow_up', days: 7 } });
    const quiet = await customer();
    const busy = await customer();
    await interact(quiet, 'follow_up', { occurred_at: new Date(Date.now() - 10 * DAY).toISOString() });
    await interact(busy, 'follow_up', { occurred_at: new Date(Date.now() - 2 * DAY).toISOString() });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await engine().runTimeTriggers(new Date());
    await engine().runTimeTriggers(new Date(Date.now() + 60_000));
    expect((await occurrences(rule)).map((o: any) => o.customer_id)).toEqual([quiet.id]);
    // A new follow-up ends the spell; 8 days later a new spell fires again.
    await interact(quiet, 'follow_up', { occurred_at: new Date().toISOString() });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await engine().runTimeTriggers(new Date(Date.now() + 8 * DAY));
    const keys = (await occurrences(rule).where('customer_id', quiet.id)).map((o: any) => o.trigger_key);
    expect(keys).toHaveLength(2);
  });

  it("date: 30 days before the contract ends, at 09:00 in the customer's time zone, once per day", async () => {
    const rule = await activate({ trigger: { type: 'date', field: 'metrics.contract_end_at', days: -30, at: '09:00' } });
    const c = await customer({ timezone: 'Asia/Shanghai' });
    // Contract ends 2026-03-31 00:30 in Shanghai (2026-03-30 16:30 UTC): fires 2026-03-01 09:00 Shanghai (01:00 UTC).
    await docs(O).create({
      data: {
        customer: c.documentId,
        amount: 100,
        kind: 'new',
        payment_status: 'paid',
        ordered_at: '2025-03-01T00:00:00Z',
        contract_end_at: '2026-03-30T16:30:00Z',
      } as any,
    });
    await app.strapi.plugin('client-insights').service('metrics').drain();
    await engine().runTimeTriggers(new Date('2026-03-01T00:59:00Z'));
    expect(await occurrences(rule)).toHaveLength(0);
    await engine().runTimeTriggers(new Date('2026-03-01T01:01:00Z'));
    await engine().runTimeTriggers(new Date('2026-03-01T05:00:00Z'));
    expect((await occurrences(rule)).map((o: any) => [o.customer_id, o.trigger_key])).toEqual([[c.id, 'date:metrics.contract_end_at:2026-03-01']]);
  });

  it('schedule: every member of the segment, once per tick', async () => {
    const region = `S${Date.now()}`;
    const a = await customer({ region });
    const b = await customer({ region });
    const { segments, segment } = await regionSegment(`Sched ${region}`, region);
    await segments.executor().execute(segment.id, { trigger: 'manual' });
    const rule = await activate({
      trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Asia/Shanghai', segmentId: segment.id },
      guard: { reentry: { mode: 'every' } },
    });
    const tick = new Date('2026-03-02T01:00:00Z');
    await engine().runScheduleTick(rule, tick);
    await engine().runScheduleTick(rule, tick);
    expect((await occurrences(rule)).map((o: any) => o.customer_id).sort()).toEqual([a.id, b.id].sort());
    await engine().runScheduleTick(rule, new Date('2026-03-09T01:00:00Z'));
    expect(await occurrences(rule)).toHaveLength(4);
    await engine().drainInbox();
  });

  it('explains the trigger and the conditions, and forecasts over a segment in SQL', async () => {
    const c = await customer({ region: 'Chengdu' });
    await interact(c, 'email_open');
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const definition = automationDefinitionSchema.parse({
      trigger: { type: 'event', event: 'interaction.email_open' },
      conditions: { and: [{ '==': [{ var: 'customer.region' }, 'Chengdu'] }, { '==': [{ var: 'customer.stage' }, 'signed'] }] },
      steps: [STEP],
    });
    const trigger = await explainTrigger(app.strapi, definition, c.id, new Date());
    expect(trigger.matches).toBe(true);
    expect(trigger.explanation).toContain('interaction.email_open');
    const conditions = await explainConditions(app.strapi, definition.conditions, c.id, new Date());
    expect(conditions.pass).toBe(false);
    expect(conditions.conditions).toEqual([
      expect.objectContaining({ pointer: '/and/0', value: true, facts: { 'customer.region': 'Chengdu' } }),
      expect.objectContaining({ pointer: '/and/1', value: false, facts: { 'customer.stage': 'consultation' } }),
    ]);
    const missing = await explainTrigger(app.strapi, definition, 99_999_999, new Date());
    expect(missing.matches).toBe(false);
    const explain = (trigger: unknown, now = new Date()) => explainTrigger(app.strapi, automationDefinitionSchema.parse({ trigger, steps: [STEP] }), c.id, now);
    expect(await explain({ type: 'inactivity', event: 'email_open', days: 7 })).toMatchObject({
      matches: false,
      explanation: expect.stringContaining('0 days ago'),
    });
    expect(await explain({ type: 'inactivity', event: 'email_open', days: 7 }, new Date(Date.now() + 8 * DAY))).toMatchObject({ matches: true });
    expect(await explain({ type: 'inactivity', event: 'follow_up', days: 7 })).toMatchObject({
      matches: false,
      explanation: expect.stringContaining('none yet'),
      text: expect.objectContaining({ 'zh-Hans': '连续 7 天没有“跟进”后触发；该客户尚无此记录，无从计算间隔。' }),
    });
    const absence = { type: 'absence', event: 'email_open', missing: 'email_click', within: { amount: 3, unit: 'days' } };
    const open = await explain(absence);
    expect(open).toMatchObject({ matches: false, explanation: expect.stringContaining('window closes') });
    // The same in the admin's Chinese: the events' labels, the window's end in the customer's zone (the default, Asia/Shanghai).
    const [last, closes] = (open.explanation.match(/\d{4}-\d\d-\d\dT[\d:.]+Z/g) ?? []).map((iso) =>
      DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm')
    );
    expect(open.text['zh-Hans']).toBe(
      `当“邮件已打开”后 3 天内没有“邮件链接点击”时触发；其最近一次“邮件已打开”在 ${last}（Asia/Shanghai）：时间窗口于 ${closes}（Asia/Shanghai） 结束。`
    );
    expect(open.text.zh).toContain('「郵件已開啟」');
    expect(open.text.en).toBe(open.explanation);
    expect(await explain(absence, new Date(Date.now() + 4 * DAY))).toMatchObject({ matches: true, explanation: expect.stringContaining('window has closed') });
    expect(await explain({ type: 'manual' })).toMatchObject({ matches: true });
    expect(await explain({ type: 'date', field: 'metrics.contract_end_at', days: -30 })).toMatchObject({
      matches: false,
      explanation: expect.stringContaining('no metrics.contract_end_at'),
      // In Chinese the field goes by its label, as in the rule builder.
      text: expect.objectContaining({
        'zh-Hans': '在“合同结束日期”的前 30 天 09:00（Asia/Shanghai）触发；该客户没有“合同结束日期”。',
        zh: '在「合約結束日期」的前 30 天 09:00（Asia/Shanghai）觸發；該客戶沒有「合約結束日期」。',
      }),
    });

    const all = Number((await knex()('customers').count({ n: '*' }).first()).n);
    const churned = Number((await knex()('customers').where('stage', 'churned').count({ n: '*' }).first()).n);
    const chengdu = Number((await knex()('customers').where('region', 'Chengdu').whereNot('stage', 'churned').count({ n: '*' }).first()).n);
    const result = await forecast(app.strapi, { ...definition, conditions: definition.conditions!.and[0] } as any, {});
    // Reasons that hold nobody back are left out.
    const suppressed = Object.fromEntries(Object.entries({ churned, condition_false: all - churned - chengdu }).filter(([, n]) => n > 0));
    expect(result).toEqual({ candidates: all, holdout: 0, wouldFire: chengdu, suppressed });
  });

  it('forecasts re-entry, the frequency cap and the holdout over a segment', async () => {
    const region = `F${Date.now()}`;
    const [a, b] = [await customer({ region }), await customer({ region })];
    await customer({ region });
    await customer({ region });
    const { segments, segment } = await regionSegment(`Fc ${region}`, region);
    await segments.executor().execute(segment.id, { trigger: 'manual' });
    const now = new Date();
    const at = bindDate(knex(), now);
    // a ran the rule already (re-entry once); b had today's two emails (the default cap).
    await knex()('ci_automation_occurrences').insert({
      rule_doc: 'forecast-doc',
      version: 1,
      customer_id: a.id,
      trigger_key: 'manual:x',
      state: 'done',
      test: false,
      fired_at: at,
    });
    for (let i = 0; i < 2; i += 1)
      await knex()('ci_automation_logs').insert({
        rule_doc: 'other',
        version: 1,
        customer_id: b.id,
        action: 'email',
        channel: 'email',
        status: 'sent',
        attempts: 1,
        test: false,
        created_at: at,
      });
    const definition = automationDefinitionSchema.parse({
      trigger: { type: 'manual' },
      steps: [{ kind: 'action', action: { type: 'email', subject: { en: 'Hi' }, body: { en: 'Hello' } } }],
      guard: { holdoutPercent: 50 },
    });
    const result = await forecast(app.strapi, definition, { segmentId: segment.id, ruleDoc: 'forecast-doc', now });
    expect(result).toEqual({ candidates: 4, wouldFire: 1, holdout: 1, suppressed: { reentry: 1, frequency_cap: 1 } });
  });

  it('refuses a customer time zone that is not IANA, on every path', async () => {
    await expect(customer({ timezone: 'Mars/Olympus' })).rejects.toThrow(/timezone/);
    const ok = await customer({ timezone: 'Europe/Berlin' });
    await expect(docs(C).update({ documentId: ok.documentId, data: { timezone: 'not a zone' } as any })).rejects.toThrow(/timezone/);
    expect((await knex()('customers').where('id', ok.id).first()).timezone).toBe('Europe/Berlin');

    // REST: 400 in Strapi's envelope naming the field; nothing stored.
    const token = await apiToken(app);
    const before = Number((await knex()('customers').count({ n: '*' }).first()).n);
    const refused = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { name: 'Zoned', stage: 'consultation', timezone: 'Asia/Nowhere' } }),
    });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as any;
    expect(body.error.details.errors).toEqual([expect.objectContaining({ path: ['timezone'] })]);
    expect(Number((await knex()('customers').count({ n: '*' }).first()).n)).toBe(before);
    const created = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { name: 'Zoned', stage: 'consultation', timezone: 'America/New_York' } }),
    });
    expect(created.status).toBe(201);
  });

  it('the loop started at bootstrap turns an event into its occurrence within seconds', async () => {
    const rule = await activate({ trigger: { type: 'event', event: 'interaction.meeting_attended' } });
    const c = await customer();
    engine().start();
    try {
      const started = Date.now();
      await interact(c, 'meeting_attended');
      while (!(await occurrences(rule)).length && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await occurrences(rule)).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await engine().stop();
    }
  });
});
