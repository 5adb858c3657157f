import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { withStatementTimeout, isStatementTimeout } from '../../plugins/client-insights/server/src/core/db/dialect';

/**
 * Issue 13, "What leaks or breaks today" items 4–9 and "Build" 8, replayed as an attacker sent
 * them: every one a 4xx naming what is wrong (never a 500), on every write path.
 */

/**
 * MySQL/MariaDB: the JSON column refuses a 2,600-level rule (the attack cannot be stored), so that
 * test is skipped there. The statement timeout is tested there with a slow statement of its own:
 * MariaDB stops a recursive CTE after max_recursive_iterations (1,000) without an error, so the
 * counting CTE is fast there; a triple cross join is not.
 */
const onMysql = process.env.TEST_DB === 'mysql';
const notOnMysql = onMysql ? it.skip : it;

type Answer = { status: number; body: any; headers: Headers; text: string };

describe('hardening (issue 13 items 4–9, logging)', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  let readOnly: string;

  const send = async (
    method: string,
    path: string,
    body?: unknown,
    as: 'admin' | 'api' | 'ro' = 'admin',
    raw?: string,
    headers: Record<string, string> = {}
  ): Promise<Answer> => {
    const bearer = as === 'admin' ? admin : as === 'api' ? token : readOnly;
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const paths = (a: Answer) => (a.body?.error?.details?.errors ?? []).map((e: any) => e.path);
  const rule = { '==': [{ var: 'customer.stage' }, 'consultation'] };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    token = await apiToken(app);
    readOnly = await apiToken(app, 'read-only');
    const customers = app.strapi.documents('api::customer.customer');
    for (const name of ['Ann', 'Bob', 'Cy']) await customers.create({ data: { name, stage: 'consultation' } as any });
  });
  afterAll(async () => app?.stop());

  describe('4. malformed input is a 400 naming the field', () => {
    const NUL = 'a\u0000b';
    it.each([
      ['rule string', { rule: { '==': [{ var: 'customer.name' }, NUL] } }, '/rule/==/1'],
      ['in list', { rule: { in: [{ var: 'customer.region' }, ['x', NUL]] } }, '/rule/in/1/1'],
      ['tag slug', { rule: { has_tag: [NUL] } }, '/rule/has_tag/0'],
      ['in_segment key', { rule: { in_segment: [NUL] } }, '/rule/in_segment/0'],
    ])('preview refuses a NUL in a %s', async (_, body, pointer) => {
      const a = await send('POST', '/client-insights/rules/preview', body);
      expect(a.status).toBe(400);
      expect(paths(a)).toEqual([pointer]);
      expect(a.body.error.message).toMatch(/NUL/);
    });

    it('refuses NULs in names, descriptions, schedules, slugs and search text', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/client-insights/segments', { name: NUL, rule }, '/name'],
        ['POST', '/client-insights/segments', { name: 'ok', description: NUL, rule }, '/description'],
        ['POST', '/client-insights/segments', { name: 'ok', schedule: `0 3 * * *${NUL}`, rule }, '/schedule'],
        ['POST', '/client-insights/tags', { name: 'T', slug: NUL, category: 'basic' }, '/slug'],
        ['POST', '/client-insights/tags', { name: NUL, category: 'basic' }, '/name'],
        ['GET', '/client-insights/customers?q=%00', undefined, '/q'],
        ['GET', '/client-insights/tags?q=%00', undefined, '/q'],
      ];
      for (const [method, path, body, pointer] of cases) {
        const a = await send(method, path, body);
        expect([path, a.status, paths(a)]).toEqual([path, 400, [pointer]]);
      }
    });

    it('refuses a lone surrogate', async () => {
      const a = await send('POST', '/client-insights/rules/preview', undefined, 'admin', '{"rule":{"==":[{"var":"customer.name"},"\\ud800"]}}');
      expect(a.status).toBe(400);
      expect(paths(a)).toEqual(['/rule/==/1']);
      expect(a.body.error.message).toMatch(/surrogate/);
      const named = await send('POST', '/client-insights/segments', undefined, 'admin', `{"name":"x\\udc00","rule":${JSON.stringify(rule)}}`);
      expect([named.status, paths(named)]).toEqual([400, ['/name']]);
    });

    it('refuses ids above the integer range', async () => {
      const cases: Array<[string, string, unknown, 'admin' | 'api', string]> = [
        ['GET', '/client-insights/customers/2147483648', undefined, 'admin', '/id'],
        ['GET', '/client-insights/segments/primary?customerIds=2147483648', undefined, 'admin', '/customerIds'],
        ['GET', '/client-insights/segments/results/99999999999999999999', undefined, 'admin', '/id'],
        ['GET', '/api/crm/customers/99999999999999999999/value-score', undefined, 'api', '/id'],
        ['POST', '/client-insights/tags/1/bulk', '{"action":"apply","customerIds":[99999999999999999999]}', 'admin', '/customerIds/0'],
        ['POST', '/client-insights/tags/merge', { source: 2147483648, target: 1 }, 'admin', '/source'],
        ['POST', '/client-insights/customers/1/tags', '{"tagId":99999999999999999999}', 'admin', '/tagId'],
      ];
      // Numbers past 2^53 only as JSON text (a JavaScript literal would lose them).
      for (const [method, path, body, as, pointer] of cases) {
        const a = typeof body === 'string' ? await send(method, path, undefined, as, body) : await send(method, path, body, as);
        expect([path, a.status, paths(a)]).toEqual([path, 400, [pointer]]);
      }
    });
  });

  describe('5 and 6. one rule and schedule check on every write path', () => {
    const badRule = { '==': [{ var: 'customer.nope' }, 1] };

    it('content manager: refuses a bad rule, a bad or too frequent schedule, NUL text', async () => {
      const cm = '/content-manager/collection-types/api::segment.segment';
      const bad = await send('POST', cm, { name: 'cm bad', key: 'cm-bad', type: 'dynamic', segment_status: 'draft', rule: badRule });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.errors[0].path.slice(0, 3)).toEqual(['rule', '==', '0']);
      const often = await send('POST', cm, { name: 'cm often', key: 'cm-often', type: 'dynamic', segment_status: 'draft', rule, schedule_cron: '* * * * * *' });
      expect(often.status).toBe(400);
      expect(often.body.error.message).toMatch(/at most every 15 minutes/);
      const tag = await send('POST', '/content-manager/collection-types/api::tag.tag', { name: 'cm tag', slug: 'cm-tag', category: 'basic', rule: { x: 1 } });
      expect(tag.status).toBe(400);
      const ok = await send('POST', cm, { name: 'cm ok', key: 'cm-ok', type: 'dynamic', segment_status: 'draft', rule, schedule_cron: '*/15 * * * *' });
      expect(ok.status).toBe(201);
    });

    it('REST (full-access token): refuses a bad rule and a six-field every-second schedule', async () => {
      const bad = await send('POST', '/api/segments', { data: { key: 'rest-bad', name: 'rest bad', rule: { x: 1 } } }, 'api');
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.errors[0].path[0]).toBe('rule');
      const often = await send('POST', '/api/segments', { data: { key: 'rest-often', name: 'rest often', rule, schedule_cron: '* * * * * *' } }, 'api');
      expect(often.status).toBe(400);
      expect(often.body.error.message).toMatch(/runs every 1 s; schedules may run at most every 15 minutes/);
    });

    it('GraphQL: refuses a bad rule', async () => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($data: SegmentInput!) { createSegment(data: $data) { documentId } }',
          variables: { data: { key: 'gql-bad', name: 'gql bad', rule: { x: 1 } } },
        }),
      });
      const body = (await res.json()) as any;
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/stacktrace|node_modules/);
      expect(await app.strapi.db.connection('segments').where({ key: 'gql-bad' }).first()).toBeUndefined();
    });

    it('plugin: a six-field schedule is refused naming the minimum', async () => {
      const a = await send('POST', '/client-insights/segments', { name: 'every second', rule, schedule: '* * * * * *' });
      expect(a.status).toBe(400);
      expect(a.body.error.details.errors).toEqual([{ path: '/schedule', message: expect.stringMatching(/at most every 15 minutes/) }]);
    });

    it('plugin: activating a segment re-checks the rule stored around the API', async () => {
      const created = await send('POST', '/client-insights/segments', { name: 'to break', rule, status: 'inactive' });
      expect(created.status).toBe(201);
      await app.strapi.db
        .connection('segments')
        .where({ id: created.body.data.id })
        .update({ rule: JSON.stringify(badRule) });
      const a = await send('PUT', `/client-insights/segments/${created.body.data.id}`, { status: 'active' });
      expect(a.status).toBe(400);
      expect(paths(a)[0]).toMatch(/^\/rule/);
    });

    notOnMysql('a stored rule nested 2,600 levels breaks no reader (tag merge)', async () => {
      const deep = `${'{"!":['.repeat(2600)}{"has_tag":["deep-source"]}${']}'.repeat(2600)}`;
      const created = await send('POST', '/client-insights/segments', { name: 'deep later', rule, status: 'inactive' });
      await app.strapi.db.connection('segments').where({ id: created.body.data.id }).update({ rule: deep });
      const a = (await send('POST', '/client-insights/tags', { name: 'Merge A', category: 'basic' })).body.data.id;
      const b = (await send('POST', '/client-insights/tags', { name: 'Merge B', category: 'basic' })).body.data.id;
      const merged = await send('POST', '/client-insights/tags/merge', { source: a, target: b });
      expect(merged.status).toBe(200);
      expect((await send('GET', '/client-insights/segments')).status).toBe(200);
      expect((await send('POST', '/client-insights/segments', { name: 'after deep', rule })).status).toBe(201);
    });
  });

  describe('7. a failed run answers a code and words, never SQL', () => {
    it('logs the detail and records a reference', async () => {
      const created = await send('POST', '/client-insights/segments', { name: 'will fail', rule: { '>': [{ var: 'metrics.total_spent' }, 10] } });
      const knex = app.strapi.db.connection;
      await knex.schema.renameTable('ci_customer_metrics', 'ci_customer_metrics_away');
      let run: Answer;
      try {
        run = await send('POST', `/client-insights/segments/${created.body.data.id}/execute`, { wait: true });
      } finally {
        await knex.schema.renameTable('ci_customer_metrics_away', 'ci_customer_metrics');
      }
      expect(run.body.data.status).toBe('failed');
      for (const a of [
        await send('GET', `/client-insights/segments/results/${run.body.data.executionId}`),
        await send('GET', `/api/segments/results/${run.body.data.executionId}`, undefined, 'api'),
      ]) {
        expect(a.status).toBe(200);
        expect(a.body.data.errorCode).toBe('internal');
        expect(a.body.data.error).toMatch(/reference [0-9a-f-]{36}/);
        expect(a.body.data.error).not.toMatch(/select|insert|ci_customer_metrics|from /i);
      }
    });
  });

  describe('8. previews are bounded', () => {
    // Enough customers, and a rule with enough conditions, that a preview takes some milliseconds.
    const heavy = { or: Array.from({ length: 60 }, (_, i) => ({ '>=': [{ var: 'metrics.total_spent' }, i * 7 + 1] })) };
    beforeAll(async () => {
      const knex = app.strapi.db.connection;
      const rows = Array.from({ length: 5000 }, (_, i) => ({ document_id: `bulk${i}`, name: `Bulk ${i}`, stage: 'consultation' }));
      for (let i = 0; i < rows.length; i += 250) await knex('customers').insert(rows.slice(i, i + 250));
      // With rollup rows, so the rule's conditions are evaluated for every one of them.
      await knex.raw(`insert into ci_customer_metrics (customer_id, total_spent) select id, (id % 500) * 1.5 from customers where document_id like 'bulk%'`);
    });
    afterAll(async () => {
      const knex = app.strapi.db.connection;
      await knex('ci_customer_metrics')
        .whereIn('customer_id', knex('customers').select('id').where('document_id', 'like', 'bulk%'))
        .delete();
      await knex('customers').where('document_id', 'like', 'bulk%').delete();
    });

    it('answers 429 past the per-caller limit', async () => {
      const security = app.strapi.config.get('plugin::client-insights.security') as Record<string, unknown>;
      const sqlite = app.db.client === 'sqlite';
      // SQLite's one connection serialises previews (the statement holds it), so there the limit
      // is shown at 0; elsewhere six at once against a limit of 1.
      app.strapi.config.set('plugin::client-insights.security', { ...security, previewsPerCaller: sqlite ? 0 : 1 });
      try {
        const answers = await Promise.all(Array.from({ length: 6 }, () => send('POST', '/client-insights/rules/preview', { rule: heavy })));
        const statuses = answers.map((a) => a.status);
        if (!sqlite) expect(statuses).toContain(200);
        expect(statuses).toContain(429);
        expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        const refused = answers.find((a) => a.status === 429)!;
        expect(refused.body.error.message).toMatch(new RegExp(`at most ${sqlite ? 0 : 1} previews may run at once per user`));
      } finally {
        app.strapi.config.set('plugin::client-insights.security', security);
      }
      expect((await send('POST', '/client-insights/rules/preview', { rule })).status).toBe(200);
    });

    it('the database stops a statement past the timeout', async () => {
      const knex = app.strapi.db.connection;
      const slow = onMysql
        ? 'select count(*) as n from information_schema.columns a, information_schema.columns b, information_schema.columns c'
        : 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 2000000) select count(*) as n from c';
      const error = await knex
        .transaction((trx) => withStatementTimeout(trx, 5, () => trx.raw(slow)))
        .then(
          () => null,
          (e: unknown) => e
        );
      expect(isStatementTimeout(error)).toBe(true);
      // The connection is usable afterwards (no timeout left on it).
      expect(await knex.raw('select 1 as one')).toBeTruthy();
    });

    it('answers 503 with a clear message when a preview runs past the timeout', async () => {
      const security = app.strapi.config.get('plugin::client-insights.security') as Record<string, unknown>;
      app.strapi.config.set('plugin::client-insights.security', { ...security, previewTimeoutMs: 1 });
      try {
        const a = await send('POST', '/client-insights/rules/preview', { rule: heavy });
        expect(a.status).toBe(503);
        expect(a.body.error.message).toMatch(/longer than 0.001 s and was stopped/);
      } finally {
        app.strapi.config.set('plugin::client-insights.security', security);
      }
    });
  });

  describe('9. smaller', () => {
    it('refuses an unknown in_segment key in preview as on create', async () => {
      const preview = await send('POST', '/client-insights/rules/preview', { rule: { in_segment: ['no-such-segment'] } });
      const create = await send('POST', '/client-insights/segments', { name: 'refers', rule: { in_segment: ['no-such-segment'] } });
      for (const a of [preview, create]) {
        expect(a.status).toBe(400);
        expect(a.body.error.message).toMatch(/unknown segment "no-such-segment"/);
      }
    });

    it('refuses page=1e20', async () => {
      for (const path of ['/client-insights/customers?page=1e20', '/client-insights/segments?page=1e20', '/client-insights/segments/results?page=1e20']) {
        const a = await send('GET', path);
        expect([path, a.status, paths(a)]).toEqual([path, 400, ['/page']]);
      }
    });

    it('answers 404 removing a tag from a customer that does not exist', async () => {
      const a = await send('DELETE', '/client-insights/customers/999999/tags/999999');
      expect(a.status).toBe(404);
    });

    it('does not reflect a foreign Origin', async () => {
      const res = await fetch(`${app.url}/api/segments`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(res.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    });

    it('GraphQL errors carry no stack trace', async () => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ segments(filters: { id: { eq: "x" } }) { key } nope }' }),
      });
      const text = await res.text();
      expect(text).toMatch(/errors/);
      expect(text).not.toMatch(/stacktrace|node_modules|\/work\//);
    });

    it('a read-only token reads the plugin: catalogue, segments, results, value score', async () => {
      for (const path of [
        '/api/segments/catalogue',
        '/api/segments/rules',
        '/api/segments/results',
        '/api/segments/tree',
        '/api/crm/customers/1/value-score',
      ]) {
        const a = await send('GET', path, undefined, 'ro');
        expect([path, a.status]).toEqual([path, a.status === 404 ? 404 : 200]);
        expect(a.status).not.toBe(403);
      }
      const write = await send('POST', '/api/segments/rules', { name: 'ro', rule }, 'ro');
      expect(write.status).toBe(403);
    });
  });

  describe('Build 8. request ids', () => {
    it('answers the id in a header and in every error envelope', async () => {
      const a = await send('GET', '/client-insights/customers/abc');
      const id = a.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.body.error.details.requestId).toBe(id);
      const strapiError = await send('GET', '/api/segments/nope-nope', undefined, 'api');
      expect(strapiError.body.error.details.requestId).toBe(strapiError.headers.get('x-request-id'));
      const kept = await send('GET', '/client-insights/customers/abc', undefined, 'admin', undefined, { 'x-request-id': 'trace-1234567' });
      expect(kept.headers.get('x-request-id')).toBe('trace-1234567');
    });

    it('prefixes warnings and errors logged during a request with its id', async () => {
      const lines: string[] = [];
      // What reaches the log's transports (after every wrapper), while a failing run logs its detail.
      // (Strapi's logger is a winston stream: every entry passes through it as 'data'.)
      const listen = (info: any) => lines.push(String(info.message));
      (app.strapi.log as any).on('data', listen);
      try {
        const created = await send('POST', '/client-insights/segments', { name: 'logs', rule: { '>': [{ var: 'metrics.total_spent' }, 1] } });
        await app.strapi.db.connection.schema.renameTable('ci_customer_metrics', 'ci_customer_metrics_away');
        let run: Answer;
        try {
          run = await send('POST', `/client-insights/segments/${created.body.data.id}/execute`, { wait: true });
        } finally {
          await app.strapi.db.connection.schema.renameTable('ci_customer_metrics_away', 'ci_customer_metrics');
        }
        const id = run.headers.get('x-request-id')!;
        expect(lines.some((l) => l.startsWith(`[request ${id}]`) && /reference/.test(l))).toBe(true);
      } finally {
        (app.strapi.log as any).off('data', listen);
      }
    });
  });
});
