import { wholeTableStatement } from '../../plugins/client-insights/server/src/core/db/dialect';
import { countQuery } from '../../plugins/client-insights/server/src/modules/rules/compile';
import { previewRule } from '../../plugins/client-insights/server/src/modules/rules/preview';
import { chooseStrategy } from '../../plugins/client-insights/server/src/modules/rules/strategy';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Catalogue and preview over HTTP (content API with a token, admin API with a session) on a small
 * known dataset: exact counts, share, sample and risk split; 400 with pointers; warnings.
 */
const NOW = '2026-06-01T00:00:00.000Z';
const daysBefore = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const v = (path: string) => ({ var: path });
const VIP = { and: [{ '>': [v('metrics.total_spent'), 100000] }, { '>=': [{ order_count: [30] }, 1] }] };
// Every customer, without reading a metrics column: the risk split then joins only the metrics
// rows with a risk signal (compile.ts joinRollups metricsWhere).
const EVERYONE = { '!': [{ has_tag: ['no-such-tag'] }] };
// A union of customers (an `or` of "has a row" conditions): A, C, D (orders), E (tag), G (complaint).
const ANY_SIGNAL = { or: [{ '>=': [{ order_count: [30] }, 1] }, { has_tag: ['at-risk'] }, { '>=': [{ event_count: ['complaint', null] }, 1] }] };
const RISK_READS = ['lookup', 'hash', 'broad', 'walk'] as const;

describe('rule catalogue and preview', () => {
  let app: TestApp;
  let token: string;
  let admin: string;
  const ids: Record<string, number> = {};

  const api = (path: string, init: { method?: string; body?: unknown; auth?: string | null } = {}) =>
    fetch(`${app.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.auth === null ? {} : { authorization: `Bearer ${init.auth ?? token}` }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const preview = async (rule: unknown, extra: Record<string, unknown> = {}) => {
    const res = await api('/api/segments/rules/preview', { method: 'POST', body: { rule, now: NOW, ...extra } });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    token = await apiToken(app);
    admin = await adminSession(app);
    const docs = (uid: string) => app.strapi.documents(uid as any);
    const customer = async (key: string, data: Record<string, unknown>) => {
      const c = await docs('api::customer.customer').create({ data: { name: `Customer ${key}`, ...data } as any });
      ids[key] = c.id;
      return c.documentId;
    };
    const order = (customerDoc: string, amount: number, days: number, status = 'paid') =>
      docs('api::order.order').create({ data: { customer: customerDoc, amount, kind: 'new', payment_status: status, ordered_at: daysBefore(days) } as any });
    // A and C are VIPs (> 100000 paid, an order in the last 30 days); B spent enough but not lately.
    const a = await customer('A', { stage: 'signed', region: 'Beijing' });
    await order(a, 120000, 10);
    const b = await customer('B', { stage: 'in_service', region: 'Shanghai' });
    await order(b, 150000, 60);
    const c = await customer('C', { stage: 'signed', region: 'Beijing' });
    await order(c, 50000, 100);
    await order(c, 60000, 5);
    // Risk: D overdue + complaint (high), E a risk tag (high), F scored 0.45 (medium), G a complaint (medium).
    const d = await customer('D', { stage: 'application', region: 'Shenzhen' });
    await order(d, 5000, 3);
    await order(d, 3000, 40, 'overdue');
    await docs('api::interaction.interaction').create({ data: { customer: d, type: 'complaint', occurred_at: daysBefore(2) } as any });
    await customer('E', { stage: 'consultation' });
    await customer('F', { stage: 'churned' });
    const g = await customer('G', { stage: 'consultation', region: 'Beijing' });
    await docs('api::interaction.interaction').create({ data: { customer: g, type: 'complaint', occurred_at: daysBefore(200) } as any });
    const tag = await docs('api::tag.tag').create({ data: { name: 'At risk', slug: 'at-risk', category: 'risk', visibility: 'global' } as any });
    const knex = app.strapi.db.connection;
    const dialectDate = (d: Date) => (app.db.client === 'sqlite' ? d.getTime() : d);
    await knex('ci_customer_tags').insert({ customer_id: ids.E, tag_id: tag.id, source: 'manual', created_at: dialectDate(new Date(NOW)) });
    await knex('ci_customer_scores').insert({ customer_id: ids.F, churn_risk: 0.45, model_version: 'test' });
    await app.strapi.plugin('client-insights').service('metrics').drain();
  });
  afterAll(async () => app?.stop());

  it('serves the catalogue: every docs/rules.md field, labels in three languages, the custom operators', async () => {
    const res = await api('/api/segments/catalogue');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as any;
    const paths = data.fields.map((f: any) => f.path);
    const required = [
      'customer.name',
      'customer.email',
      'customer.phone',
      'customer.region',
      'customer.language',
      'customer.education',
      'customer.target_major',
      'customer.program',
      'customer.stage',
      'customer.lead_source',
      'customer.created_at',
      'customer.owner',
      'metrics.order_count',
      'metrics.total_spent',
      'metrics.gross_margin',
      'metrics.avg_order_value',
      'metrics.first_order_at',
      'metrics.last_order_at',
      'metrics.renewal_count',
      'metrics.overdue_amount',
      'metrics.contract_end_at',
      'metrics.last_interaction_at',
      'metrics.referral_count',
      'metrics.complaint_count',
      'score.r',
      'score.f',
      'score.m',
      'score.rfm',
      'score.rfm_segment',
      'score.quadrant',
      'score.clv',
      'score.churn_risk',
      'score.renewal_probability',
      'score.upsell_probability',
    ];
    expect(paths).toEqual(expect.arrayContaining(required));
    for (const f of data.fields) {
      for (const lang of ['en', 'zh-Hans', 'zh']) expect(f.labels[lang]).toEqual(expect.any(String));
      expect(f.labels.en).not.toBe('');
      expect(f.operators.length).toBeGreaterThan(0);
    }
    expect(data.fields.find((f: any) => f.path === 'customer.stage').enumValues).toEqual(['consultation', 'application', 'signed', 'in_service', 'churned']);
    const ops = data.operators.map((o: any) => o.name);
    expect(ops).toEqual(expect.arrayContaining(['has_tag', 'event_count', 'order_count', 'order_total', 'days_since', 'in_segment']));
    const adminRes = await api('/client-insights/catalogue', { auth: admin });
    expect(adminRes.status).toBe(200);
    expect(((await adminRes.json()) as any).data.fields.map((f: any) => f.path)).toEqual(paths);
  });

  it('previews the VIP rule exactly: count, total, share, sample', async () => {
    const { status, body } = await preview(VIP);
    expect(status).toBe(200);
    const data = body.data;
    expect(data).toMatchObject({ count: 2, total: 7 });
    expect(data.share).toBeCloseTo(2 / 7, 10);
    expect(data.sample).toEqual([
      { id: ids.A, documentId: expect.any(String), name: 'Customer A', region: 'Beijing', stage: 'signed', total_spent: 120000, last_order_at: daysBefore(10) },
      { id: ids.C, documentId: expect.any(String), name: 'Customer C', region: 'Beijing', stage: 'signed', total_spent: 110000, last_order_at: daysBefore(5) },
    ]);
    expect(data.riskDistribution).toEqual({ low: 2, medium: 0, high: 0 });
    expect(data.durationMs).toEqual(expect.any(Number));
    expect(data.warnings).toEqual([]);
    const small = await preview(VIP, { sampleSize: 1 });
    expect(small.body.data.sample.map((s: any) => s.id)).toEqual([ids.A]);
  });

  it('splits the matches by churn risk and says how', async () => {
    const { body } = await preview({ '>=': [v('metrics.order_count'), 0] });
    expect(body.data.count).toBe(7);
    expect(body.data.riskDistribution).toEqual({ low: 3, medium: 2, high: 2 });
    expect(body.data.riskBasis).toMatchObject({ basis: 'mixed', scored: 1, fallback: 6 });
    expect(body.data.riskBasis.method).toContain('risk-category tag');
  });

  it('gives the same risk split and sample whether it looks the rollups up per match, hashes them, writes a broad match into both parts or walks for the sample', async () => {
    const knex = app.strapi.db.connection;
    const dialectDate = (d: Date) => (app.db.client === 'sqlite' ? d.getTime() : d);
    // G gets an expired risk tag (no effect) and D a second one (still one customer, still high).
    const expired = await app.strapi
      .documents('api::tag.tag')
      .create({ data: { name: 'Old risk', slug: 'old-risk', category: 'risk', visibility: 'global' } as any });
    await knex('ci_customer_tags').insert([
      { customer_id: ids.G, tag_id: expired.id, source: 'manual', created_at: dialectDate(new Date(NOW)), expires_at: dialectDate(new Date(daysBefore(1))) },
      { customer_id: ids.D, tag_id: expired.id, source: 'manual', created_at: dialectDate(new Date(NOW)) },
    ]);
    try {
      // Before the value models first run nobody is scored: every form splits by points alone
      // (F, scored medium below, is low without its score) and joins no scores (risk-split.ts).
      await knex('ci_customer_scores').where('customer_id', ids.F).delete();
      const seen: string[] = [];
      const record = (q: { sql: string }) => seen.push(q.sql);
      knex.on('query', record);
      try {
        const unscored = await Promise.all(RISK_READS.map((riskRead) => previewRule(knex, { rule: EVERYONE, now: new Date(NOW), riskRead })));
        for (const p of unscored) {
          expect(p.riskDistribution).toEqual({ low: 4, medium: 1, high: 2 });
          expect(p.riskBasis).toMatchObject({ basis: 'tags', scored: 0, fallback: 7 });
        }
        const previews = seen.filter((sql) => sql.includes("'figures'"));
        expect(previews).toHaveLength(RISK_READS.length);
        for (const sql of previews) expect(sql).not.toContain('ci_customer_scores');
      } finally {
        knex.off('query', record);
        await knex('ci_customer_scores').insert({ customer_id: ids.F, churn_risk: 0.45, model_version: 'test' });
      }
      for (const rule of [{ '>=': [v('metrics.order_count'), 0] }, VIP, { '!=': [v('customer.stage'), 'signed'] }, EVERYONE, ANY_SIGNAL]) {
        const [lookup, ...others] = await Promise.all(RISK_READS.map((riskRead) => previewRule(knex, { rule, now: new Date(NOW), sampleSize: 3, riskRead })));
        const answer = (p: typeof lookup) => ({ count: p.count, total: p.total, sample: p.sample, risk: p.riskDistribution, basis: p.riskBasis });
        for (const other of others) expect(answer(other)).toEqual(answer(lookup));
      }
      const signals = await previewRule(knex, { rule: ANY_SIGNAL, now: new Date(NOW), riskRead: 'walk' });
      expect(signals.sample.map((c) => c.id)).toEqual([ids.A, ids.C, ids.D, ids.E, ids.G]);
      // `broad` writes the match into the figures and the sample each on PostgreSQL (RiskRead).
      const statements: string[] = [];
      const listen = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', listen);
      await previewRule(knex, { rule: VIP, now: new Date(NOW), riskRead: 'broad' }).finally(() => knex.off('query', listen));
      expect(statements.some((sql) => sql.includes('as not materialized ('))).toBe(app.db.client === 'postgres');
      const all = await previewRule(knex, { rule: { '>=': [v('metrics.order_count'), 0] }, now: new Date(NOW), riskRead: 'hash' });
      expect(all.riskDistribution).toEqual({ low: 3, medium: 2, high: 2 });
      // Every way to a level, in all three forms: A scored high, E scored low despite its risk tag
      // (a score wins), B unscored with overdue payments only (medium).
      await knex('ci_customer_scores').insert([
        { customer_id: ids.A, churn_risk: 0.7, model_version: 'test' },
        { customer_id: ids.E, churn_risk: 0.2, model_version: 'test' },
      ]);
      await knex('ci_customer_metrics').where('customer_id', ids.B).update({ overdue_amount: 10 });
      const everyWay = await Promise.all(
        [{ '>=': [v('metrics.order_count'), 0] }, EVERYONE].flatMap((rule) =>
          RISK_READS.map((riskRead) => previewRule(knex, { rule, now: new Date(NOW), riskRead }))
        )
      );
      for (const p of everyWay) {
        expect(p.riskDistribution).toEqual({ low: 2, medium: 3, high: 2 });
        expect(p.riskBasis).toMatchObject({ basis: 'mixed', scored: 3, fallback: 4 });
      }
    } finally {
      await knex('ci_customer_scores').whereIn('customer_id', [ids.A, ids.E]).delete();
      await knex('ci_customer_metrics').where('customer_id', ids.B).update({ overdue_amount: 0 });
      await knex('ci_customer_tags').where('tag_id', expired.id).delete();
      await app.strapi.documents('api::tag.tag').delete({ documentId: expired.documentId });
    }
  });

  it('an or of "has a row" conditions: its union is deduped sorted and merge-joined on PostgreSQL, with the same matches', async () => {
    const knex = app.strapi.db.connection;
    // A, C and D ordered in the last 30 days, D and G complained in the last year, E holds the risk tag.
    const signals = { or: [{ '>=': [{ order_count: [30] }, 1] }, { '>=': [{ event_count: ['complaint', 365] }, 1] }, { has_tag: ['at-risk'] }] };
    const now = new Date(NOW);
    const choice = await chooseStrategy(knex, signals, now);
    const postgres = app.db.client === 'postgres';
    expect(Boolean(choice.sortUnion)).toBe(postgres);
    expect(Boolean((await chooseStrategy(knex, { '==': [v('customer.stage'), 'signed'] }, now)).sortUnion)).toBe(false);
    // An or of tags only is one read of the tag index (compile.ts anyTagSlugs), no union to sort.
    const tags = { or: [{ has_tag: ['at-risk'] }, { or: [{ has_tag: ['no-such-tag'] }, { has_tag: ['at-risk'] }] }] };
    expect(Boolean((await chooseStrategy(knex, tags, now)).sortUnion)).toBe(false);
    expect((await previewRule(knex, { rule: tags, now })).sample.map((c) => c.id)).toEqual([ids.E]);
    const count = (sortUnion: boolean) =>
      wholeTableStatement(
        knex,
        async (trx) => {
          const setting = postgres
            ? [(await trx.raw('show enable_hashagg')).rows[0].enable_hashagg, (await trx.raw('show enable_hashjoin')).rows[0].enable_hashjoin].join('/')
            : null;
          const row = await countQuery(trx, signals, { now, ...choice }).first();
          return { setting, count: Number(row.count) };
        },
        { strategy: choice.strategy, sortUnion }
      );
    const [sorted, hashed] = [await count(true), await count(false)];
    expect(sorted.count).toBe(hashed.count);
    if (postgres) expect([sorted.setting, hashed.setting]).toEqual(['off/off', 'on/on']);
    // The preview's statement runs sorted too (PostgreSQL): the setting is made in its transaction.
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    knex.on('query', listen);
    const previewed = await previewRule(knex, { rule: signals, now, sampleSize: 10 }).finally(() => knex.off('query', listen));
    expect(statements.includes('set local enable_hashagg = off')).toBe(postgres);
    expect(statements.includes('set local enable_hashjoin = off')).toBe(postgres);
    expect(previewed.sample.map((c) => c.id)).toEqual([ids.A, ids.C, ids.D, ids.E, ids.G].sort((x, y) => x - y));
    expect(previewed.count).toBe(sorted.count);
    // Walked (a broad preview of it, RiskRead walk): the union grouped for parallel workers, nested
    // loops off (PostgreSQL), the same answer.
    statements.length = 0;
    knex.on('query', listen);
    const walked = await previewRule(knex, { rule: signals, now, sampleSize: 10, riskRead: 'walk' }).finally(() => knex.off('query', listen));
    expect(statements.some((sql) => sql.includes(' union all ') && sql.includes('group by u.customer_id'))).toBe(postgres);
    expect(statements.includes('set local enable_nestloop = off')).toBe(postgres);
    expect({ count: walked.count, sample: walked.sample, risk: walked.riskDistribution }).toEqual({
      count: previewed.count,
      sample: previewed.sample,
      risk: previewed.riskDistribution,
    });
  });

  it('answers 400 with JSON pointers for an invalid rule or body, and runs nothing', async () => {
    const bad = await preview({ and: [{ '>': [v('metrics.total_spent'), 'a lot'] }, { '==': [v('customer.nope'), 1] }] });
    expect(bad.status).toBe(400);
    // Pointers into the request body: the rule's nodes under /rule.
    expect(bad.body.error.details.errors.map((e: any) => e.path)).toEqual(['/rule/and/0/>/1', '/rule/and/1/==/0/var']);
    const injected = await preview({ '==': [v('customer.name; drop table customers'), 'x'] });
    expect(injected.status).toBe(400);
    const body = await api('/api/segments/rules/preview', { method: 'POST', body: { rule: VIP, sampleSize: -3, extra: 1 } });
    expect(body.status).toBe(400);
    const parsed = (await body.json()) as any;
    expect(parsed.error.details.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['/sampleSize']));
    expect(parsed.error.details.errors.some((e: any) => e.path.startsWith('/rule'))).toBe(false);
    const missing = await api('/api/segments/rules/preview', { method: 'POST', body: {} });
    expect(missing.status).toBe(400);
    const count = await app.strapi.db.connection('customers').count({ n: '*' }).first();
    expect(Number(count?.n)).toBe(7);
  });

  it('warns of mutually exclusive conditions, naming both, and of an empty preview', async () => {
    const rule = { and: [{ '==': [v('customer.stage'), 'signed'] }, { '>': [v('metrics.total_spent'), 100000] }, { '<': [v('metrics.total_spent'), 5000] }] };
    const { status, body } = await preview(rule);
    expect(status).toBe(200);
    expect(body.data.count).toBe(0);
    const contradiction = body.data.warnings.find((w: any) => w.kind === 'contradiction');
    expect(contradiction).toMatchObject({ path: '', conditions: ['/and/1', '/and/2'] });
    expect(contradiction.message).toContain('metrics.total_spent > 100000');
    expect(contradiction.message).toContain('metrics.total_spent < 5000');
    expect(contradiction.suggestion).toEqual(expect.any(String));
    expect(body.data.warnings.map((w: any) => w.kind)).toContain('empty');
    // validate: the same warning without running anything
    const res = await api('/client-insights/rules/validate', { method: 'POST', auth: admin, body: { rule } });
    expect(res.status).toBe(200);
    const checked = ((await res.json()) as any).data;
    expect(checked.valid).toBe(true);
    expect(checked.warnings).toEqual([expect.objectContaining({ kind: 'contradiction', conditions: ['/and/1', '/and/2'] })]);
  });

  it('warns when an existing segment has the same rule written differently', async () => {
    await app.strapi.documents('api::segment.segment').create({
      data: { name: 'VIP', key: 'vip', type: 'dynamic', segment_status: 'active', visibility: 'global', rule: VIP } as any,
    });
    const same = { and: [{ '>=': [{ order_count: [30] }, 1] }, { and: [{ '>': [v('metrics.total_spent'), 100000] }] }] };
    const { body } = await preview(same);
    expect(body.data.warnings).toEqual([expect.objectContaining({ kind: 'duplicate' })]);
    expect(body.data.warnings[0].message).toContain('vip');
  });

  it('runs a rule of 12 conditions', async () => {
    const rule = {
      and: [
        { '==': [v('customer.stage'), 'signed'] },
        { in: [v('customer.region'), ['Beijing', 'Shanghai']] },
        { '>': [v('metrics.total_spent'), 100000] },
        { '>=': [v('metrics.order_count'), 1] },
        { '<=': [{ days_since: [v('metrics.last_order_at')] }, 30] },
        { '>=': [{ order_count: [30] }, 1] },
        { '>=': [{ order_total: [365] }, 100000] },
        { '==': [{ event_count: ['complaint', null] }, 0] },
        { '!': [{ has_tag: ['at-risk'] }] },
        { '==': [v('metrics.overdue_amount'), 0] },
        { or: [{ '==': [v('score.churn_risk'), null] }, { '<': [v('score.churn_risk'), 0.5] }] },
        { '<': [10000, v('metrics.avg_order_value'), 200000] },
      ],
    };
    const { status, body } = await preview(rule);
    expect(status).toBe(200);
    // A (one order of 120000) and C (50000 + 60000, average 55000) meet all twelve; the others miss at least one.
    expect(body.data.sample.map((s: any) => s.id)).toEqual([ids.A, ids.C]);
    expect(body.data.count).toBe(2);
    const narrower = await preview({ and: [...rule.and, { '<': [{ days_since: [v('metrics.first_order_at')] }, 50] }] });
    expect(narrower.body.data.sample.map((s: any) => s.id)).toEqual([ids.A]);
  });

  it('requires an API token on the content API and a session on the admin API', async () => {
    expect([401, 403]).toContain((await api('/api/segments/rules/preview', { method: 'POST', body: { rule: VIP }, auth: null })).status);
    expect([401, 403]).toContain((await api('/api/segments/catalogue', { auth: null })).status);
    expect((await api('/client-insights/rules/preview', { method: 'POST', body: { rule: VIP }, auth: null })).status).toBe(401);
    const viaAdmin = await api('/client-insights/rules/preview', { method: 'POST', body: { rule: VIP, now: NOW }, auth: admin });
    expect(viaAdmin.status).toBe(200);
    expect(((await viaAdmin.json()) as any).data.count).toBe(2);
  });
});
