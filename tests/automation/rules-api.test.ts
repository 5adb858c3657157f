import { adminSession, apiToken, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Automation rules through the admin and integrator APIs (issue 14, items 1, 7, 9, 12): every write
 * validated whole (pointers, nothing written when refused), the lifecycle with versions, approval
 * of high-risk rules by another user, the content manager kept from activating, delete cancelling
 * waiting steps, and the log list and per-rule figures checked against rows written here.
 */
describe('automation rules API', () => {
  let app: TestApp;
  let admin: string;
  /** automation.manage + automation.approve: the author of the rules below. */
  let maker: string;
  let makerId: number;
  /** automation.approve only. */
  let checker: string;
  let checkerId: number;
  /** segments.read only. */
  let outsider: string;
  let token: string;
  let tagId: number;
  let customerId: number;

  const RULE = 'api::automation-rule.automation-rule';
  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const prefix = path.startsWith('/api/') || path.startsWith('/content-manager/') || path.startsWith('/admin/') ? '' : '/client-insights';
    const res = await fetch(`${app.url}${prefix}${path}`, {
      method,
      headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const knex = () => app.strapi.db.connection;
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await knex()(table).where(where).count({ n: '*' }).first())!.n);
  /** The pointers an error names (the content manager answers paths as arrays of keys). */
  const pointers = (res: { body: any }) =>
    (res.body?.error?.details?.errors ?? []).map((e: any) => (Array.isArray(e.path) ? e.path.map((k: unknown) => `/${k}`).join('') : e.path));
  const versions = (ruleDoc: string) => knex()('ci_automation_versions').where({ rule_doc: ruleDoc }).orderBy('version');
  const userId = async (who: string) => (await call(who, 'GET', '/admin/users/me')).body.data.id as number;

  const tagRule = (name = 'Tag the engaged') => ({
    name,
    trigger: { type: 'manual' },
    conditions: { '>=': [{ var: 'metrics.order_count' }, 1] },
    steps: [{ kind: 'action', action: { type: 'tag', op: 'add', tagId } }],
  });
  const emailRule = (subject = 'Welcome') => ({
    name: 'Welcome mail',
    trigger: { type: 'event', event: 'interaction.event_signup' },
    steps: [
      { kind: 'wait', duration: { amount: 2, unit: 'days' } },
      { kind: 'action', action: { type: 'email', subject: { en: subject }, body: { en: 'Hello {{customer.name}}' } } },
    ],
  });

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    maker = await restrictedSession(app, ['automation.manage', 'automation.approve']);
    checker = await restrictedSession(app, ['automation.approve']);
    outsider = await restrictedSession(app, ['segments.read']);
    token = await apiToken(app);
    [makerId, checkerId] = [await userId(maker), await userId(checker)];
    tagId = Number((await app.strapi.documents('api::tag.tag').create({ data: { name: 'Engaged', slug: 'engaged', category: 'behavior' } as any })).id);
    const now = new Date();
    await knex()('customers').insert({ document_id: 'auto-c1', name: 'Client 1', created_at: now, updated_at: now, published_at: now });
    customerId = Number((await knex()('customers').where({ document_id: 'auto-c1' }).first('id')).id);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('serves the event catalogue in en, zh-Hans and zh, with the filters each event accepts', async () => {
    const res = await call(maker, 'GET', '/automation/catalogue');
    expect(res.status).toBe(200);
    const { events, triggers, actions } = res.body.data;
    expect(events).toHaveLength(20);
    for (const item of [...events, ...triggers, ...actions]) {
      for (const locale of ['en', 'zh-Hans', 'zh']) expect(item.labels[locale]).toMatch(/\S/);
    }
    expect(events.find((e: any) => e.event === 'segment.enter').filters).toEqual(['segmentId']);
    expect(events.find((e: any) => e.event === 'interaction.email_click').filters).toEqual(['channel', 'campaignId']);
    expect(actions.filter((a: any) => a.external).map((a: any) => a.type)).toEqual(['email', 'sms', 'push', 'webhook']);
    // A date trigger's fields, named as the rule builder names them.
    expect(res.body.data.dateFields.map((f: any) => f.path)).toEqual([
      'customer.created_at',
      'metrics.first_order_at',
      'metrics.last_order_at',
      'metrics.contract_end_at',
      'metrics.last_interaction_at',
    ]);
    expect(res.body.data.dateFields.find((f: any) => f.path === 'metrics.contract_end_at').labels).toEqual({
      en: 'Contract end',
      'zh-Hans': '合同结束日期',
      zh: '合約結束日期',
    });
  });

  it('refuses bad definitions naming the JSON pointer, and writes nothing', async () => {
    const cases: Array<[unknown, string | RegExp]> = [
      [{ ...tagRule(), trigger: { type: 'event', event: 'interaction.nope' } }, '/trigger/event'],
      [{ ...tagRule(), conditions: { and: [{ '==': [{ var: 'customer.nope' }, 1] }] } }, /^\/conditions\/and\/0\/==\/0/],
      [{ ...tagRule(), trigger: { type: 'schedule', cron: '* * * * *', timezone: 'Asia/Shanghai', segmentId: 1 } }, '/trigger/cron'],
      [{ ...tagRule(), steps: [{ kind: 'if', rule: { '>': [{ var: 'metrics.nope' }, 1] }, then: [] }] }, /^\/steps\/0\/rule/],
      [{ ...tagRule(), steps: [{ kind: 'action', action: { type: 'tag', op: 'add', tagId: 999999 } }] }, '/steps/0/action/tagId'],
      [{ ...tagRule(), trigger: { type: 'event', event: 'order.paid', filters: { tagId } } }, '/trigger/filters/tagId'],
      [{ ...tagRule(), steps: [] }, '/steps'],
    ];
    for (const [body, pointer] of cases) {
      const res = await call(maker, 'POST', '/automation/rules', body);
      expect(res.status).toBe(400);
      expect(pointers(res).some((p: string) => (typeof pointer === 'string' ? p === pointer : pointer.test(p)))).toBe(true);
    }
    expect(await count('automation_rules')).toBe(0);
    expect(await count('ci_automation_versions')).toBe(0);
  });

  it('answers 403 to a role without automation.manage', async () => {
    expect((await call(outsider, 'GET', '/automation/rules')).status).toBe(403);
    expect((await call(outsider, 'POST', '/automation/rules', tagRule())).status).toBe(403);
    expect((await call(checker, 'GET', '/automation/catalogue')).status).toBe(403);
    expect(await count('automation_rules')).toBe(0);
  });

  it('runs a low-risk rule through draft → active ⇄ paused, one version per changed activation', async () => {
    const created = await call(maker, 'POST', '/automation/rules', tagRule());
    expect(created.status).toBe(201);
    const doc = created.body.data.documentId;
    expect(created.body.data).toMatchObject({ status: 'draft', runningVersion: null, latestVersion: null, risk: { highRisk: false, reasons: [] } });

    const activated = await call(maker, 'POST', `/automation/rules/${doc}/activate`, {});
    expect([activated.status, activated.body.data.status, activated.body.meta.version]).toEqual([200, 'active', 1]);
    const [v1] = await versions(doc);
    expect(JSON.parse(v1.definition)).toEqual({ ...tagRule(), name: undefined, guard: JSON.parse(v1.definition).guard } as any);
    expect([Boolean(v1.high_risk), v1.created_by, v1.approved_by]).toEqual([false, makerId, null]);

    // An edit of an active low-risk rule is a new version at once.
    const steps = [
      ...tagRule().steps,
      { kind: 'wait_until', time: '09:00' },
      { kind: 'action', action: { type: 'notify', to: { to: 'owner' }, message: { en: 'Tagged' } } },
    ];
    const edited = await call(maker, 'PUT', `/automation/rules/${doc}`, { steps });
    expect([edited.status, edited.body.data.status, edited.body.data.runningVersion, edited.body.meta.version]).toEqual([200, 'active', 2, 2]);
    // A name change alone is no new version.
    expect((await call(maker, 'PUT', `/automation/rules/${doc}`, { name: 'Renamed' })).body.data).toMatchObject({ name: 'Renamed', runningVersion: 2 });

    const paused = await call(maker, 'POST', `/automation/rules/${doc}/pause`, {});
    expect(paused.body.data).toMatchObject({ status: 'paused', runningVersion: null, latestVersion: 2 });
    expect((await call(maker, 'POST', `/automation/rules/${doc}/pause`, {})).status).toBe(409);
    const resumed = await call(maker, 'POST', `/automation/rules/${doc}/resume`, {});
    expect(resumed.body.data).toMatchObject({ status: 'active', runningVersion: 2 });
    expect(await versions(doc)).toHaveLength(2);

    // Every transition audited with from and to.
    const audit = await knex()('ci_audit_log').where({ target_id: doc }).whereIn('action', ['automation.transition', 'automation.version']).orderBy('id');
    expect(audit.map((a: any) => [JSON.parse(a.details).from, JSON.parse(a.details).to])).toEqual([
      ['draft', 'active'],
      ['active', 'active'],
      ['active', 'paused'],
      ['paused', 'active'],
    ]);
  });

  it('needs another automation.approve holder to activate a high-risk rule, and keeps the old version running while an edit awaits approval', async () => {
    const created = await call(maker, 'POST', '/automation/rules', emailRule());
    const doc = created.body.data.documentId;
    expect(created.body.data.risk).toMatchObject({ highRisk: true, reasons: ['external_send'] });

    const direct = await call(maker, 'POST', `/automation/rules/${doc}/activate`, {});
    expect([direct.status, direct.body.error.name]).toEqual([409, 'ApprovalRequiredError']);
    expect(await versions(doc)).toHaveLength(0);

    const submitted = await call(maker, 'POST', `/automation/rules/${doc}/submit`, { reason: 'Welcome mail for sign-ups' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.data.status).toBe('pending_approval');
    const approvalId = submitted.body.meta.approval.id;
    expect(submitted.body.meta.approval).toMatchObject({ kind: 'automation', status: 'pending', requestedBy: makerId });

    // The author holds automation.approve but may not approve their own rule.
    expect((await call(maker, 'POST', `/approvals/${approvalId}/approve`, {})).status).toBe(403);
    expect((await call(outsider, 'POST', `/approvals/${approvalId}/approve`, {})).status).toBe(403);
    const approved = await call(checker, 'POST', `/approvals/${approvalId}/approve`, { comment: 'ok' });
    expect([approved.status, approved.body.data.status]).toEqual([200, 'executed']);

    const rule = (await call(maker, 'GET', `/automation/rules/${doc}`)).body.data;
    expect(rule).toMatchObject({ status: 'active', runningVersion: 1 });
    const [v1] = await versions(doc);
    expect(JSON.parse(v1.definition)).toEqual(rule.definition);
    expect(JSON.parse(v1.definition)).toEqual(submitted.body.meta.approval.payload.definition);
    expect([Boolean(v1.high_risk), v1.created_by, v1.approved_by]).toEqual([true, makerId, checkerId]);

    // Editing it sends it back for approval; version 1 keeps running meanwhile.
    const edited = await call(maker, 'PUT', `/automation/rules/${doc}`, { steps: emailRule('Welcome aboard').steps });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ status: 'pending_approval', runningVersion: 1, latestVersion: 1 });
    expect(edited.body.meta.approval).toMatchObject({ kind: 'automation', status: 'pending' });
    expect(await versions(doc)).toHaveLength(1);
    const second = await call(checker, 'POST', `/approvals/${edited.body.meta.approval.id}/approve`, {});
    expect(second.body.data.status).toBe('executed');
    const after = await versions(doc);
    expect(after).toHaveLength(2);
    expect(JSON.parse(after[1].definition).steps[1].action.subject.en).toBe('Welcome aboard');
    expect((await call(maker, 'GET', `/automation/rules/${doc}`)).body.data).toMatchObject({ status: 'active', runningVersion: 2 });

    // A request approved after the rule changed again fails and activates nothing.
    await call(maker, 'POST', `/automation/rules/${doc}/pause`, {});
    const third = await call(maker, 'POST', `/automation/rules/${doc}/submit`, { reason: 'again' });
    await call(maker, 'PUT', `/automation/rules/${doc}`, { steps: emailRule('Changed after submit').steps });
    const stale = await call(checker, 'POST', `/approvals/${third.body.meta.approval.id}/approve`, {});
    expect(stale.body.data).toMatchObject({ status: 'failed' });
    expect(stale.body.data.error).toMatch(/edited after it was submitted/);
    expect(await versions(doc)).toHaveLength(2);
  });

  it('counts a stage change and a webhook endpoint no approved rule has called as high-risk', async () => {
    const webhook = (name: string) => ({
      name,
      trigger: { type: 'event', event: 'tag.applied', filters: { tagId } },
      steps: [{ kind: 'action', action: { type: 'webhook', endpointId: 7 } }],
    });
    const stage = await call(maker, 'POST', '/automation/rules', {
      ...tagRule('Stage'),
      steps: [{ kind: 'action', action: { type: 'stage', stage: 'signed' } }],
    });
    expect(stage.body.data.risk).toMatchObject({ highRisk: true, reasons: ['stage_change'], reachEstimate: 1, reachLimit: 1000 });
    const first = await call(maker, 'POST', '/automation/rules', webhook('First webhook'));
    expect(first.body.data.risk.reasons).toEqual(['external_send', 'new_webhook_endpoint']);
    const submitted = await call(maker, 'POST', `/automation/rules/${first.body.data.documentId}/submit`, { reason: 'CRM sync' });
    expect((await call(checker, 'POST', `/approvals/${submitted.body.meta.approval.id}/approve`, {})).body.data.status).toBe('executed');
    const second = await call(maker, 'POST', '/automation/rules', webhook('Second webhook'));
    expect(second.body.data.risk.reasons).toEqual(['external_send']);
  });

  it('keeps the content manager (and every document write) from activating or changing a running rule', async () => {
    const cm = (body: unknown) => call(admin, 'POST', `/content-manager/collection-types/${RULE}`, body);
    const active = await cm({ name: 'Sneaky', trigger: { type: 'manual' }, actions: tagRule().steps, rule_status: 'active' });
    expect(active.status).toBe(400);
    expect(pointers(active)).toContain('/rule_status');
    const invalid = await cm({ name: 'Bad', trigger: { type: 'manual' }, actions: tagRule().steps, conditions: { '==': [{ var: 'customer.nope' }, 1] } });
    expect(invalid.status).toBe(400);
    expect(pointers(invalid).some((p: string) => p.startsWith('/conditions'))).toBe(true);
    const before = await count('automation_rules');

    const draft = await cm({ name: 'Fine', trigger: { type: 'manual' }, actions: tagRule().steps });
    expect(draft.status).toBe(201);
    const doc = draft.body.data.documentId;
    await expect(app.strapi.documents(RULE as any).update({ documentId: doc, data: { rule_status: 'active' } as any })).rejects.toThrow(/rule_status/);
    expect((await call(admin, 'POST', `/automation/rules/${doc}/activate`, {})).status).toBe(200);
    // Running: its definition changes only through the automation routes.
    const change = await call(admin, 'PUT', `/content-manager/collection-types/${RULE}/${doc}`, {
      actions: [{ kind: 'action', action: { type: 'stage', stage: 'signed' } }],
    });
    expect(change.status).toBe(400);
    expect(pointers(change)).toContain('/actions');
    // Renaming it there is fine, also when the unchanged definition is sent along (as the edit view does).
    const stored = await app.strapi.db.query(RULE as any).findOne({ where: { documentId: doc } });
    const renamed = await call(admin, 'PUT', `/content-manager/collection-types/${RULE}/${doc}`, {
      name: 'Fine, renamed',
      trigger: stored.trigger,
      conditions: stored.conditions,
      actions: stored.actions,
      guard: stored.guard,
      rule_status: 'active',
      running_version: stored.running_version,
    });
    expect([renamed.status, renamed.body.data?.name]).toEqual([200, 'Fine, renamed']);
    expect(await count('automation_rules')).toBe(before + 1);
    expect((await app.strapi.db.query(RULE as any).findOne({ where: { documentId: doc } })).actions).toEqual(tagRule().steps);
  });

  it('serves the integrator API under /api/crm, and deleting a rule cancels its waiting steps', async () => {
    const created = await call(token, 'POST', '/api/crm/automation-rules', { data: tagRule('From the API') });
    expect(created.status).toBe(201);
    const doc = created.body.data.documentId;
    expect((await call(token, 'PATCH', `/api/crm/automation-rules/${doc}`, { conditions: { nope: 1 } })).status).toBe(400);
    expect((await call(token, 'PATCH', `/api/crm/automation-rules/${doc}`, { name: 'From the API, renamed' })).body.data.name).toBe('From the API, renamed');
    expect((await call(token, 'POST', `/api/crm/automation-rules/${doc}/activate`, {})).body.data.status).toBe('active');
    expect((await call(token, 'GET', '/api/crm/automation-rules?status=active')).body.data.map((r: any) => r.documentId)).toContain(doc);
    const test = await call(token, 'POST', `/api/crm/automation-rules/${doc}/test`, { customerId: 999999 });
    expect([test.status, pointers(test)]).toEqual([400, ['/customerId']]);

    // Due tomorrow: waiting, and out of reach of the app's own worker, which would otherwise claim
    // rows due now before the delete (cancelledSteps was 0 once in CI).
    const now = new Date();
    const due = new Date(now.getTime() + 86_400_000);
    const row = (i: number, status: string) => ({
      idem_key: `${doc}:1:${customerId}:${i}:0`,
      rule_doc: doc,
      version: 1,
      occurrence_id: i,
      customer_id: customerId,
      step_path: '0',
      status,
      due_at: due,
      attempts: 0,
      created_at: now,
      updated_at: now,
    });
    await knex()('ci_automation_outbox').insert([
      row(1, 'pending'),
      row(2, 'pending'),
      row(3, 'done'),
      { ...row(4, 'pending'), rule_doc: 'other', idem_key: 'other' },
    ]);
    const removed = await call(token, 'DELETE', `/api/crm/automation-rules/${doc}`);
    expect([removed.status, removed.body.data.cancelledSteps]).toEqual([200, 2]);
    const statuses = await knex()('ci_automation_outbox').orderBy('occurrence_id').pluck('status');
    expect(statuses).toEqual(['cancelled', 'cancelled', 'done', 'pending']);
    expect((await call(token, 'GET', `/api/crm/automation-rules/${doc}`)).status).toBe(404);

    // The same through the content manager.
    const other = (
      await call(admin, 'POST', `/content-manager/collection-types/${RULE}`, { name: 'CM', trigger: { type: 'manual' }, actions: tagRule().steps })
    ).body.data.documentId;
    await knex()('ci_automation_outbox').insert({ ...row(5, 'pending'), rule_doc: other, idem_key: `${other}:5` });
    expect((await call(admin, 'DELETE', `/content-manager/collection-types/${RULE}/${other}`)).status).toBe(200);
    expect(await knex()('ci_automation_outbox').where({ rule_doc: other }).pluck('status')).toEqual(['cancelled']);
  });

  it('filters the logs and computes per-rule figures that match the rows', async () => {
    const base = Date.parse('2026-03-01T00:00:00Z');
    const STATUSES = ['triggered', 'sent', 'done', 'skipped', 'failed', 'dead', 'retrying'];
    const REASONS = ['frequency_cap', 'no_consent', 'condition_false'];
    const rows = Array.from({ length: 97 }, (_, i) => {
      const status = STATUSES[(i * 3) % STATUSES.length];
      return {
        rule_doc: i % 5 === 0 ? 'rule-b' : 'rule-a',
        version: 1,
        customer_id: 1 + (i % 4),
        action: status === 'triggered' ? null : i % 2 ? 'email' : 'tag',
        status,
        reason: status === 'skipped' ? REASONS[i % 3] : null,
        attempts: 1,
        latency_ms: ['sent', 'done'].includes(status) ? (i * 37) % 1000 : null,
        test: i % 11 === 0,
        created_at: new Date(base + i * 3_600_000),
      };
    });
    for (const r of rows) await knex()('ci_automation_logs').insert({ ...r, created_at: app.db.client === 'sqlite' ? r.created_at.getTime() : r.created_at });

    const from = new Date(base + 10 * 3_600_000);
    const to = new Date(base + 80 * 3_600_000);
    const inRange = rows.filter((r) => r.rule_doc === 'rule-a' && !r.test && r.created_at >= from && r.created_at < to);
    const logs = await call(maker, 'GET', `/automation/logs?rule=rule-a&from=${from.toISOString()}&to=${to.toISOString()}&pageSize=200`);
    expect(logs.status).toBe(200);
    expect(logs.body.meta.pagination.total).toBe(inRange.length);
    const skippedCap = inRange.filter((r) => r.status === 'skipped' && r.reason === 'frequency_cap' && r.action === 'email');
    const filtered = await call(
      maker,
      'GET',
      `/automation/logs?rule=rule-a&status=skipped&reason=frequency_cap&action=email&from=${from.toISOString()}&to=${to.toISOString()}`
    );
    expect(filtered.body.data.map((l: any) => l.createdAt).sort()).toEqual(skippedCap.map((r) => r.created_at.toISOString()).sort());
    const byCustomer = await call(maker, 'GET', '/automation/logs?customerId=2&test=true&pageSize=10&page=2');
    expect(byCustomer.body.meta.pagination.total).toBe(rows.filter((r) => r.customer_id === 2).length);
    expect(byCustomer.body.data).toHaveLength(Math.min(10, rows.filter((r) => r.customer_id === 2).length - 10));
    expect((await call(maker, 'GET', '/automation/logs?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(400);

    // Figures of rule-a need the rule to exist.
    const created = await call(maker, 'POST', '/automation/rules', tagRule('Figures'));
    const doc = created.body.data.documentId;
    await knex()('ci_automation_logs').where({ rule_doc: 'rule-a' }).update({ rule_doc: doc });
    const figures = await call(maker, 'GET', `/automation/rules/${doc}/figures?from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(figures.status).toBe(200);
    const of = (s: string) => inRange.filter((r) => r.status === s).length;
    const latencies = inRange
      .filter((r) => r.latency_ms !== null)
      .map((r) => r.latency_ms!)
      .sort((a, b) => a - b);
    const mid = Math.floor(latencies.length / 2);
    const median = latencies.length % 2 ? latencies[mid] : (latencies[mid - 1] + latencies[mid]) / 2;
    const finished = of('sent') + of('done') + of('failed') + of('dead');
    expect(figures.body.data).toMatchObject({
      triggered: of('triggered'),
      sent: of('sent'),
      done: of('done'),
      skipped: of('skipped'),
      failed: of('failed'),
      dead: of('dead'),
      successRate: (of('sent') + of('done')) / finished,
      medianLatencyMs: median,
    });
    for (const reason of REASONS) expect(figures.body.data.skippedByReason[reason]).toBe(inRange.filter((r) => r.reason === reason).length);
    expect((await call(maker, 'GET', '/automation/rules/nope/figures')).status).toBe(404);
  });
});
