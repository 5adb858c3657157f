import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { errors } from '@strapi/utils';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { client } from '../segments/helpers';

/**
 * Issue 13, item 7: the integrator API of the design document, over real HTTP as API tokens.
 * `/api/crm/customers/:id/profile`, `POST|PUT|DELETE /api/crm/tags`, `POST /api/crm/tags/apply`
 * and their GraphQL twins: each needs its own token scope (403 without), masks contact data
 * unless the token is granted `sensitive.view`, shows only what the token may see (private tags
 * and segments hidden), refuses bad input naming it (a batch with one bad item creates nothing),
 * and is recorded in the audit log with the token as actor. /documentation serves the routes.
 */
const GRANTED = `crm-granted-${crypto.randomBytes(3).toString('hex')}`;
const SCOPE = (action: string) => `plugin::client-insights.crm.${action}`;
const SENSITIVE = 'plugin::client-insights.sensitive.view';
const N = 3;
const email = (i: number) => `crm${i}.person@secret-mail.test`;
const phone = (i: number) => `+86 1377 00${i}${i}`;
/** Contact values a text holds. */
const contacts = (text: string) =>
  Array.from({ length: N }, (_, i) => [email(i), phone(i)]).reduce((n, pair) => n + pair.filter((s) => text.includes(s)).length, 0);

describe('integrator API (/api/crm, GraphQL, /documentation)', () => {
  let app: TestApp;
  let admin: ReturnType<typeof client>;
  const customers: number[] = [];
  let globalTag: any;
  let privateTag: any;

  /** A custom API token holding these scopes, as the admin's token editor would save it. */
  const custom = async (permissions: string[], name = `crm-${crypto.randomBytes(4).toString('hex')}`) => {
    const token = await app.strapi.service('admin::api-token').create({ name, type: 'custom', lifespan: null, permissions });
    return { call: client(app, token.accessKey), id: Number(token.id), key: token.accessKey as string };
  };
  const graphql = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  const tagCount = async () => Number((await app.strapi.db.connection('tags').count({ n: '*' }).first())?.n);
  const pathsOf = (body: any) => (body.error?.details?.errors ?? []).map((e: any) => e.path);

  beforeAll(async () => {
    app = await startStrapi({ http: true, env: { CI_RESTRICTED_TOKENS: GRANTED } });
    admin = client(app, await adminSession(app));
    for (let i = 0; i < N; i += 1) {
      const c = await app.strapi
        .documents('api::customer.customer')
        .create({ data: { name: `Crm ${i}`, email: email(i), phone: phone(i), stage: 'consultation', region: 'Shanghai' } as any });
      customers.push(Number(c.id));
    }
    await app.strapi.plugin('client-insights').service('metrics').drain();
    const made = async (path: string, body: unknown) => {
      const res = await admin('POST', path, body);
      expect([path, res.status, res.body.error ?? null]).toEqual([path, 201, null]);
      return res.body.data;
    };
    globalTag = await made('/client-insights/tags', { name: 'Open tag', slug: 'open-tag', category: 'basic' });
    privateTag = await made('/client-insights/tags', { name: 'Hidden tag', slug: 'hidden-tag', category: 'risk', visibility: 'private' });
    for (const tag of [globalTag, privateTag])
      expect((await admin('POST', `/client-insights/customers/${customers[0]}/tags`, { tagId: tag.id })).status).toBe(200);
    const everyone = { '==': [{ var: 'customer.region' }, 'Shanghai'] };
    await made('/client-insights/segments', { name: 'Shared seg', key: 'crm-shared', rule: everyone, status: 'active', execute: true });
    await made('/client-insights/segments', {
      name: 'Secret seg',
      key: 'crm-secret',
      rule: everyone,
      visibility: 'private',
      status: 'active',
      execute: true,
    });
  });
  afterAll(async () => app?.stop());

  describe('GET /api/crm/customers/:id/profile', () => {
    it('needs its own scope: 403 without it (even with every other crm scope), 200 with it', async () => {
      const others = await custom(['createTags', 'updateTag', 'deleteTag', 'applyTag'].map(SCOPE));
      expect((await others.call('GET', `/api/crm/customers/${customers[0]}/profile`)).status).toBe(403);
      const reader = await custom([SCOPE('customerProfile')]);
      const res = await reader.call('GET', `/api/crm/customers/${customers[0]}/profile`);
      expect(res.status).toBe(200);
      expect(res.body.data.customer).toMatchObject({ id: customers[0], name: 'Crm 0', stage: 'consultation' });
      expect(res.body.data).toEqual(
        expect.objectContaining({ tags: expect.any(Array), segments: expect.any(Array), timeline: expect.any(Array), scores: null, masked: true })
      );
      // A read-only token reads the profile (REST and GraphQL) and writes nothing.
      const readOnly = await apiToken(app, 'read-only');
      expect((await client(app, readOnly)('GET', `/api/crm/customers/${customers[0]}/profile`)).status).toBe(200);
      expect((await graphql(readOnly, 'query($id: Int!) { crmCustomerProfile(id: $id) { masked } }', { id: customers[0] })).errors).toBeUndefined();
      expect((await client(app, readOnly)('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: [customers[0]] })).status).toBe(403);
    });

    it('masks email and phone unless the token is granted sensitive.view (0 contacts seen without it)', async () => {
      const masked = await custom([SCOPE('customerProfile')]);
      const full = client(app, await apiToken(app));
      const seeing = await custom([SCOPE('customerProfile'), SENSITIVE]);
      let seenMasked = 0;
      let seenFull = 0;
      let seenSeeing = 0;
      for (const id of customers) {
        seenMasked += contacts(JSON.stringify((await masked.call('GET', `/api/crm/customers/${id}/profile`)).body));
        seenFull += contacts(JSON.stringify((await full('GET', `/api/crm/customers/${id}/profile`)).body));
        const res = await seeing.call('GET', `/api/crm/customers/${id}/profile`);
        expect(res.body.data.masked).toBe(false);
        seenSeeing += contacts(JSON.stringify(res.body));
      }
      expect([seenMasked, seenFull, seenSeeing]).toEqual([0, 0, 2 * N]);
    });

    it('shows the tags and segments the token may see: private ones only to a token granted them', async () => {
      const plain = await custom([SCOPE('customerProfile')]);
      const granted = await custom([SCOPE('customerProfile')], GRANTED);
      const seen = async (who: typeof plain) => {
        const { data } = (await who.call('GET', `/api/crm/customers/${customers[0]}/profile`)).body;
        return { tags: data.tags.map((t: any) => t.slug).sort(), segments: data.segments.map((s: any) => s.key).sort() };
      };
      expect(await seen(plain)).toEqual({ tags: ['open-tag'], segments: ['crm-shared'] });
      expect(await seen(granted)).toEqual({ tags: ['hidden-tag', 'open-tag'], segments: ['crm-secret', 'crm-shared'] });
    });

    it('answers 404 for an unknown customer and 400 naming a bad id', async () => {
      const reader = await custom([SCOPE('customerProfile')]);
      expect((await reader.call('GET', '/api/crm/customers/999999/profile')).status).toBe(404);
      const bad = await reader.call('GET', '/api/crm/customers/2147483648/profile');
      expect([bad.status, pathsOf(bad.body)]).toEqual([400, ['/id']]);
    });

    it('records a sensitive read by a token granted sensitive.view, with the token as actor', async () => {
      const seeing = await custom([SCOPE('customerProfile'), SENSITIVE]);
      await seeing.call('GET', `/api/crm/customers/${customers[1]}/profile`);
      const rows = await app.strapi.db.connection('ci_audit_log').where({ actor_type: 'api', actor_id: seeing.id });
      expect(rows.map((r: any) => [r.action, r.target_id, Number(r.status)])).toEqual([['GET /crm/customers/:id/profile', String(customers[1]), 200]]);
    });
  });

  describe('POST|PUT|DELETE /api/crm/tags', () => {
    it('needs each its own scope', async () => {
      const reader = await custom([SCOPE('customerProfile')]);
      expect((await reader.call('POST', '/api/crm/tags', { name: 'X', category: 'basic' })).status).toBe(403);
      expect((await reader.call('PUT', `/api/crm/tags/${globalTag.id}`, { name: 'X' })).status).toBe(403);
      expect((await reader.call('DELETE', `/api/crm/tags/${globalTag.id}`)).status).toBe(403);
      expect((await reader.call('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: [customers[0]] })).status).toBe(403);
    });

    it('creates a batch in one go, and a batch with one bad item creates nothing and names the item', async () => {
      const writer = await custom([SCOPE('createTags')]);
      const before = await tagCount();
      const bad = await writer.call('POST', '/api/crm/tags', [
        { name: 'Batch A', slug: 'batch-a', category: 'basic' },
        { name: 'Batch B', slug: 'batch-b', category: 'nonsense' },
        { name: 'Batch C', slug: 'batch-c', category: 'value' },
      ]);
      expect([bad.status, pathsOf(bad.body)]).toEqual([400, ['/1/category']]);
      // Past the schema: the third item's slug is taken (by a private tag: the same answer as any other).
      const taken = await writer.call('POST', '/api/crm/tags', [
        { name: 'Batch A', slug: 'batch-a', category: 'basic' },
        { name: 'Batch B', slug: 'batch-b', category: 'behavior' },
        { name: 'Batch C', slug: 'hidden-tag', category: 'value' },
      ]);
      expect([taken.status, pathsOf(taken.body)]).toEqual([400, ['/2/slug']]);
      expect(taken.body.error.message).toContain('is not available');
      const twice = await writer.call('POST', '/api/crm/tags', [
        { name: 'Batch A', slug: 'batch-a', category: 'basic' },
        { name: 'Batch A again', slug: 'batch-a', category: 'basic' },
      ]);
      expect([twice.status, pathsOf(twice.body)]).toEqual([400, ['/1/slug']]);
      expect(await tagCount()).toBe(before);

      const good = await writer.call('POST', '/api/crm/tags', [
        { name: 'Batch A', slug: 'batch-a', category: 'basic' },
        { name: 'Batch B', category: 'risk', visibility: 'global' },
      ]);
      expect(good.status).toBe(201);
      expect(good.body.data.map((t: any) => [t.slug, t.category, t.visibility, t.usage])).toEqual([
        ['batch-a', 'basic', 'global', 0],
        ['batch-b', 'risk', 'global', 0],
      ]);
      const one = await writer.call('POST', '/api/crm/tags', { data: { name: 'Single', category: 'value' } });
      expect([one.status, one.body.data.map((t: any) => t.slug)]).toEqual([201, ['single']]);
      const wrappedBad = await writer.call('POST', '/api/crm/tags', {
        data: [
          { name: 'W', category: 'basic' },
          { name: '', category: 'basic' },
        ],
      });
      expect([wrappedBad.status, pathsOf(wrappedBad.body)]).toEqual([400, ['/1/name']]);
      expect(await tagCount()).toBe(before + 3);

      // A write refused inside the transaction (here a Document Service middleware refusing the second
      // item, as the rule checks on every document write do) rolls the first one back.
      app.strapi.documents.use(async (context: any, next: () => Promise<unknown>) => {
        if (context.uid === 'api::tag.tag' && context.action === 'create' && context.params?.data?.name === 'Explode')
          throw new errors.ValidationError('refused late', { errors: [{ path: ['name'], message: 'refused late' }] });
        return next();
      });
      const late = await writer.call('POST', '/api/crm/tags', [
        { name: 'Early', slug: 'early', category: 'basic' },
        { name: 'Explode', category: 'basic' },
      ]);
      expect([late.status, pathsOf(late.body)]).toEqual([400, ['/1/name']]);
      expect(await tagCount()).toBe(before + 3);
      expect(await app.strapi.db.connection('tags').where({ slug: 'early' }).first()).toBeUndefined();

      // A token that sees global tags only cannot make one it would no longer see; a granted one can.
      const hidden = await writer.call('POST', '/api/crm/tags', [
        { name: 'Fine', category: 'basic' },
        { name: 'Mine', category: 'basic', visibility: 'private' },
      ]);
      expect([hidden.status, pathsOf(hidden.body)]).toEqual([400, ['/1/visibility']]);
      const grantedWriter = await custom([SCOPE('createTags')], GRANTED);
      const privately = await grantedWriter.call('POST', '/api/crm/tags', { name: 'Granted private', category: 'basic', visibility: 'private' });
      expect([privately.status, privately.body.data[0].visibility]).toEqual([201, 'private']);
      expect(await tagCount()).toBe(before + 4);

      const tooMany = await writer.call(
        'POST',
        '/api/crm/tags',
        Array.from({ length: 101 }, (_, i) => ({ name: `T${i}`, category: 'basic' }))
      );
      expect([tooMany.status, pathsOf(tooMany.body)]).toEqual([400, ['']]);
      const sensitiveRule = await writer.call('POST', '/api/crm/tags', [
        { name: 'Mail rule', category: 'basic', rule: { '==': [{ var: 'customer.email' }, 'x'] } },
      ]);
      expect([sensitiveRule.status, pathsOf(sensitiveRule.body)]).toEqual([400, ['/0/rule/==/0/var']]);
    });

    it('updates and deletes only tags the token may see; a tag a segment rule names cannot be deleted', async () => {
      const writer = await custom([SCOPE('createTags'), SCOPE('updateTag'), SCOPE('deleteTag')]);
      expect((await writer.call('PUT', `/api/crm/tags/${privateTag.id}`, { name: 'Mine now' })).status).toBe(404);
      expect((await writer.call('DELETE', `/api/crm/tags/${privateTag.id}`)).status).toBe(404);
      const bad = await writer.call('PUT', `/api/crm/tags/${globalTag.id}`, { category: 'gold' });
      expect([bad.status, pathsOf(bad.body)]).toEqual([400, ['/category']]);
      const hide = await writer.call('PUT', `/api/crm/tags/${globalTag.id}`, { visibility: 'team' });
      expect([hide.status, pathsOf(hide.body)]).toEqual([400, ['/visibility']]);
      const renamed = await writer.call('PUT', `/api/crm/tags/${globalTag.id}`, { data: { name: 'Open tag renamed' } });
      expect([renamed.status, renamed.body.data.name]).toEqual([200, 'Open tag renamed']);

      const [doomed] = (await writer.call('POST', '/api/crm/tags', { name: 'Doomed', category: 'basic' })).body.data;
      await app.strapi.plugin('client-insights').service('tags').assign({ kind: 'api', seesRestricted: true }, customers[2], doomed.id, null);
      await admin('POST', '/client-insights/segments', { name: 'Uses doomed', key: 'uses-doomed', rule: { has_tag: ['doomed'] } });
      const used = await writer.call('DELETE', `/api/crm/tags/${doomed.id}`);
      expect([used.status, used.body.error.message]).toEqual([409, expect.stringContaining('Uses doomed')]);
      const seg = (await admin('GET', '/client-insights/segments/uses-doomed')).body.data;
      expect((await admin('DELETE', `/client-insights/segments/${seg.id}`)).status).toBe(200);
      const gone = await writer.call('DELETE', `/api/crm/tags/${doomed.id}`);
      expect([gone.status, gone.body.data]).toEqual([200, { id: doomed.id, removedAssignments: 1 }]);
      expect(Number((await app.strapi.db.connection('ci_customer_tags').where({ tag_id: doomed.id }).count({ n: '*' }).first())?.n)).toBe(0);
      expect((await admin('GET', `/client-insights/tags/${doomed.id}`)).status).toBe(404);
    });
  });

  describe('POST /api/crm/tags/apply', () => {
    it('refuses an unknown or hidden tag and unknown customers, naming them, and tags no one', async () => {
      const applier = await custom([SCOPE('applyTag')]);
      const assigned = async () => Number((await app.strapi.db.connection('ci_customer_tags').count({ n: '*' }).first())?.n);
      const before = await assigned();
      const unknownTag = await applier.call('POST', '/api/crm/tags/apply', { tag_id: 999999, customer_ids: [customers[1]] });
      expect([unknownTag.status, pathsOf(unknownTag.body)]).toEqual([400, ['/tag_id']]);
      const hiddenTag = await applier.call('POST', '/api/crm/tags/apply', { tag_id: privateTag.id, customer_ids: [customers[1]] });
      expect([hiddenTag.status, pathsOf(hiddenTag.body), hiddenTag.body.error.message]).toEqual([
        400,
        ['/tag_id'],
        unknownTag.body.error.message.replace('999999', String(privateTag.id)),
      ]);
      const unknownCustomers = await applier.call('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: [customers[1], 999998, 999999] });
      expect([unknownCustomers.status, pathsOf(unknownCustomers.body)]).toEqual([400, ['/customer_ids']]);
      expect(unknownCustomers.body.error.message).toContain('999998, 999999');
      const tooMany = await applier.call('POST', '/api/crm/tags/apply', {
        tag_id: globalTag.id,
        customer_ids: Array.from({ length: 10_001 }, (_, i) => i + 1),
      });
      expect([tooMany.status, pathsOf(tooMany.body)]).toEqual([400, ['/customer_ids']]);
      const badSource = await applier.call('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: [customers[1]], source: 'rule' });
      expect([badSource.status, pathsOf(badSource.body)]).toEqual([400, ['/source']]);
      const missing = await applier.call('POST', '/api/crm/tags/apply', { customer_ids: [customers[1]] });
      expect([missing.status, pathsOf(missing.body)]).toEqual([400, ['/tag_id']]);
      expect(await assigned()).toBe(before);
    });

    it('applies with the given source; customers already tagged keep theirs; the write is audited with the token as actor', async () => {
      const applier = await custom([SCOPE('applyTag')]);
      const res = await applier.call('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: customers, source: 'import' });
      expect([res.status, res.body.data]).toEqual([200, { tagId: globalTag.id, applied: N - 1, alreadyTagged: 1 }]);
      const rows = await app.strapi.db.connection('ci_customer_tags').where({ tag_id: globalTag.id }).orderBy('customer_id');
      expect(rows.map((r: any) => [Number(r.customer_id), r.source])).toEqual([
        [customers[0], 'manual'],
        [customers[1], 'import'],
        [customers[2], 'import'],
      ]);
      const audit = await app.strapi.db.connection('ci_audit_log').where({ actor_type: 'api', actor_id: applier.id });
      expect(audit.map((r: any) => [r.action, Number(r.status), JSON.parse(r.details).body.source])).toEqual([['POST /crm/tags/apply', 200, 'import']]);
    });
  });

  describe('GraphQL', () => {
    const PROFILE = 'query($id: Int!) { crmCustomerProfile(id: $id) { customer masked tags segments timeline scores } }';

    it('checks the same scopes, masks without sensitive.view and hides private tags and segments', async () => {
      const none = await custom([SCOPE('createTags')]);
      const denied = await graphql(none.key, PROFILE, { id: customers[0] });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const reader = await custom([SCOPE('customerProfile')]);
      const masked = await graphql(reader.key, PROFILE, { id: customers[0] });
      expect(masked.errors).toBeUndefined();
      expect(masked.data.crmCustomerProfile.customer.name).toBe('Crm 0');
      expect(contacts(JSON.stringify(masked))).toBe(0);
      expect(masked.data.crmCustomerProfile.tags.map((t: any) => t.slug)).not.toContain('hidden-tag');
      expect(masked.data.crmCustomerProfile.segments.map((s: any) => s.key)).toEqual(['crm-shared']);
      const seeing = await custom([SCOPE('customerProfile'), SENSITIVE]);
      expect(contacts(JSON.stringify(await graphql(seeing.key, PROFILE, { id: customers[0] })))).toBe(2);
      const unknown = await graphql(reader.key, PROFILE, { id: 999999 });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('STRAPI_NOT_FOUND_ERROR');
    });

    it('mutations: batch create all or none, update, apply and delete, each with its scope and the REST refusals', async () => {
      const writer = await custom(['createTags', 'updateTag', 'deleteTag', 'applyTag'].map(SCOPE));
      const reader = await custom([SCOPE('customerProfile')]);
      const CREATE = 'mutation($data: [JSON!]!) { crmCreateTags(data: $data) { id slug visibility category usage } }';
      expect((await graphql(reader.key, CREATE, { data: [{ name: 'Gql', category: 'basic' }] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const before = await tagCount();
      const bad = await graphql(writer.key, CREATE, {
        data: [
          { name: 'Gql A', slug: 'gql-a', category: 'basic' },
          { name: 'Gql B', slug: 'gql-b', category: 'nope' },
        ],
      });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.extensions?.error?.details?.errors?.map((e: any) => e.path)).toEqual(['/1/category']);
      expect(await tagCount()).toBe(before);
      const made = await graphql(writer.key, CREATE, { data: [{ name: 'Gql A', slug: 'gql-a', category: 'basic' }] });
      expect(made.errors).toBeUndefined();
      const tag = made.data.crmCreateTags[0];
      expect(tag).toEqual({ id: expect.any(Number), slug: 'gql-a', visibility: 'global', category: 'basic', usage: 0 });

      const updated = await graphql(writer.key, 'mutation($id: Int!, $data: JSON!) { crmUpdateTag(id: $id, data: $data) { id color } }', {
        id: tag.id,
        data: { color: '#aabbcc' },
      });
      expect(updated.data.crmUpdateTag.color).toBe('#aabbcc');
      const hidden = await graphql(writer.key, 'mutation($id: Int!) { crmDeleteTag(id: $id) { id } }', { id: privateTag.id });
      expect(hidden.errors?.[0]?.extensions?.code).toBe('STRAPI_NOT_FOUND_ERROR');

      const APPLY = 'mutation($tagId: Int!, $ids: [Int!]!) { crmApplyTag(tagId: $tagId, customerIds: $ids) { tagId applied alreadyTagged } }';
      const unknown = await graphql(writer.key, APPLY, { tagId: tag.id, ids: [customers[0], 999999] });
      expect(unknown.errors?.[0]?.extensions?.error?.details?.errors?.map((e: any) => e.path)).toEqual(['/customer_ids']);
      const applied = await graphql(writer.key, APPLY, { tagId: tag.id, ids: customers });
      expect(applied.data.crmApplyTag).toEqual({ tagId: tag.id, applied: N, alreadyTagged: 0 });
      const sources = await app.strapi.db.connection('ci_customer_tags').where({ tag_id: tag.id }).pluck('source');
      expect(new Set(sources)).toEqual(new Set(['api']));
      const deleted = await graphql(writer.key, 'mutation($id: Int!) { crmDeleteTag(id: $id) { id removedAssignments } }', { id: tag.id });
      expect(deleted.data.crmDeleteTag).toEqual({ id: tag.id, removedAssignments: N });

      // Every GraphQL write (refusals too) is in the audit log under the token, as the REST routes are.
      const audit = await app.strapi.db.connection('ci_audit_log').where({ actor_type: 'api', actor_id: writer.id }).orderBy('id');
      expect(audit.map((r: any) => [r.action, Number(r.status)])).toEqual([
        ['POST /crm/tags', 400],
        ['POST /crm/tags', 201],
        ['PUT /crm/tags/:id', 200],
        ['DELETE /crm/tags/:id', 404],
        ['POST /crm/tags/apply', 400],
        ['POST /crm/tags/apply', 200],
        ['DELETE /crm/tags/:id', 200],
      ]);
    });
  });

  describe('OpenAPI', () => {
    it("/documentation serves Strapi's document of the content API with the integrator routes in it", async () => {
      const res = await fetch(`${app.url}/documentation/v1.0.0`);
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const path of ['/crm/customers/{id}/profile', '/crm/tags', '/crm/tags/{id}', '/crm/tags/apply', '/customers', '/segments/rules/{id}'])
        expect([path, html.includes(`"${path}"`)]).toEqual([path, true]);
      expect(html).toContain('plugin::client-insights.crm.applyTag');
      // The document it serves (written at startup): every reference resolves, Strapi's components and the plugin's alike.
      const file = path.join(app.strapi.plugin('documentation').service('documentation').getFullDocumentationPath(), '1.0.0', 'full_documentation.json');
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)].map((m) => [m[1], m[2]]);
      expect(refs.filter(([kind]) => kind === 'schemas').some(([, name]) => name.startsWith('ClientInsights.'))).toBe(true);
      expect(refs.filter(([kind, name]) => !doc.components?.[kind]?.[name])).toEqual([]);
      expect(doc.paths['/crm/tags/apply'].post['x-strapi-handler']).toBe('plugin::client-insights.crm.applyTag');
    });

    it('the content API does not take an admin session', async () => {
      expect([401, 403]).toContain((await admin('GET', `/api/crm/customers/${customers[0]}/profile`)).status);
      expect([401, 403]).toContain((await admin('POST', '/api/crm/tags/apply', { tag_id: globalTag.id, customer_ids: [customers[0]] })).status);
    });

    it("the plugin's own document lists them with their scopes", async () => {
      const doc = (await client(app, await apiToken(app))('GET', '/api/client-insights/openapi.json')).body;
      expect(doc.paths['/api/crm/tags/apply'].post.security).toEqual([{ apiToken: [SCOPE('applyTag')] }]);
      expect(Object.keys(doc.paths['/api/crm/tags/{id}']).sort()).toEqual(['delete', 'put']);
      expect(doc.paths['/api/crm/customers/{id}/profile'].get.security).toEqual([{ apiToken: [SCOPE('customerProfile')] }]);
    });
  });
});
