import crypto from 'crypto';
import { apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, segmentsService } from '../segments/helpers';

/**
 * Issue 13, "What leaks" item 2, replayed over real HTTP: a private segment (and a private tag) of
 * one Marketing Operations user stays invisible and unnamed to a second one, to a Sales Manager
 * and to content-API tokens on every path: plugin routes, content manager (list, read, edit),
 * REST, GraphQL, in_segment and has_tag in previews and rules, duplicate warnings, the tag-merge
 * 409, tag bulk apply, and key collisions. A token named in CI_RESTRICTED_TOKENS sees them.
 */
const GRANTED = `granted-${crypto.randomBytes(3).toString('hex')}`;
const SECRET_RULE = { '==': [{ var: 'customer.region' }, 'Secretville'] };
const CM = '/content-manager/collection-types';

describe('segment and tag visibility on every path', () => {
  let app: TestApp;
  let alice: ReturnType<typeof client>;
  let bob: ReturnType<typeof client>;
  let sam: ReturnType<typeof client>;
  let token: ReturnType<typeof client>;
  let granted: ReturnType<typeof client>;
  let secret: any;
  let team: any;
  let shared: any;
  let aliceTag: any;
  let gold: any;
  let silver: any;

  const login = async (code: string, email: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    const password = 'Visible12345!';
    await app.strapi.service('admin::user').create({ email, firstname: 'V', lastname: 'U', password, isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return client(app, ((await res.json()) as any).data.token);
  };
  /** An answer as text, without its request id (each answer has its own). */
  const text = (body: any) => JSON.stringify(body, (key, value) => (key === 'requestId' ? undefined : value));
  /** Marketing Operations may not delete segments: test segments go through the service, as the system. */
  const drop = (id: number) => segmentsService(app.strapi).remove({ kind: 'api', seesRestricted: true }, id);

  beforeAll(async () => {
    app = await startStrapi({ http: true, env: { CI_RESTRICTED_TOKENS: GRANTED } });
    alice = await login('client-insights-marketing-operations', 'alice@test.local');
    bob = await login('client-insights-marketing-operations', 'bob@test.local');
    sam = await login('client-insights-sales-manager', 'sam@test.local');
    token = client(app, await apiToken(app));
    const grantedToken = await app.strapi.service('admin::api-token').create({ name: GRANTED, type: 'full-access', lifespan: null });
    granted = client(app, grantedToken.accessKey);
    await createCustomers(app.strapi, [
      { name: 'Hidden One', stage: 'signed', region: 'Secretville' },
      { name: 'Hidden Two', stage: 'signed', region: 'Secretville' },
      { name: 'Open', stage: 'consultation', region: 'Shanghai' },
    ]);
    const made = async (path: string, body: unknown) => {
      const res = await alice('POST', path, body);
      expect([path, res.status, res.body.error ?? null]).toEqual([path, 201, null]);
      return res.body.data;
    };
    gold = await made('/client-insights/tags', { name: 'Gold', slug: 'gold', category: 'value' });
    silver = await made('/client-insights/tags', { name: 'Silver', slug: 'silver', category: 'value' });
    aliceTag = await made('/client-insights/tags', { name: 'Alice secret', slug: 'alice-secret', category: 'basic', visibility: 'private' });
    secret = await made('/client-insights/segments', {
      name: 'Super private',
      key: 'super-private',
      rule: SECRET_RULE,
      visibility: 'private',
      status: 'active',
      execute: true,
    });
    team = await made('/client-insights/segments', { name: 'Team gold', key: 'team-gold', rule: { has_tag: ['gold'] }, visibility: 'team' });
    shared = await made('/client-insights/segments', { name: 'Everyone', key: 'everyone', rule: { '==': [{ var: 'customer.stage' }, 'consultation'] } });
    expect([secret.members ?? secret.memberCount, team.key, shared.key]).toEqual([2, 'team-gold', 'everyone']);
  });
  afterAll(async () => app?.stop());

  it('records the owner of the segments and tags the plugin creates', async () => {
    const alices = await app.strapi.db.query('admin::user').findOne({ where: { email: 'alice@test.local' } });
    const tag = await app.strapi.db.query('api::tag.tag').findOne({ where: { id: aliceTag.id }, populate: ['owner'] });
    const seg = await app.strapi.db.query('api::segment.segment').findOne({ where: { id: secret.id }, populate: ['owner'] });
    expect([tag.owner?.id, seg.owner?.id]).toEqual([alices.id, alices.id]);
  });

  it('plugin routes: another user gets 404 for the private segment and tag', async () => {
    expect((await bob('GET', `/client-insights/segments/${secret.id}`)).status).toBe(404);
    expect((await bob('GET', '/client-insights/segments')).body.data.map((s: any) => s.key)).not.toContain('super-private');
    expect((await bob('GET', `/client-insights/tags/${aliceTag.id}`)).status).toBe(404);
    expect((await bob('GET', '/client-insights/tags')).body.data.map((t: any) => t.slug).sort()).toEqual(['gold', 'silver']);
    expect((await alice('GET', '/client-insights/tags')).body.data.map((t: any) => t.slug).sort()).toEqual(['alice-secret', 'gold', 'silver']);
    expect((await bob('POST', `/client-insights/tags/${aliceTag.id}/bulk`, { action: 'apply', customerIds: [1] })).status).toBe(404);
    expect((await bob('PUT', `/client-insights/tags/${aliceTag.id}`, { name: 'Mine now' })).status).toBe(404);
  });

  it('content manager: lists, reads and edits only what the user may see', async () => {
    for (const [who, user] of [
      ['bob', bob],
      ['sam', sam],
    ] as const) {
      const list = await user('GET', `${CM}/api::segment.segment?page=1&pageSize=100`);
      expect([who, list.status]).toEqual([who, 200]);
      expect([who, list.body.results.map((s: any) => s.key).sort()]).toEqual([who, who === 'bob' ? ['everyone', 'team-gold'] : ['everyone']]);
      expect(text(list.body)).not.toContain('Secretville');
      const one = await user('GET', `${CM}/api::segment.segment/${secret.documentId}`);
      expect([who, one.status]).toEqual([who, expect.any(Number)]);
      expect([who, one.status === 200]).toEqual([who, false]);
      expect(text(one.body)).not.toContain('Secretville');
      const tags = await user('GET', `${CM}/api::tag.tag?page=1&pageSize=100`);
      expect([who, tags.body.results.map((t: any) => t.slug).sort()]).toEqual([who, ['gold', 'silver']]);
    }
    const mine = await alice('GET', `${CM}/api::segment.segment?page=1&pageSize=100`);
    expect(mine.body.results.map((s: any) => s.key).sort()).toEqual(['everyone', 'super-private', 'team-gold']);
    expect((await alice('GET', `${CM}/api::segment.segment/${secret.documentId}`)).status).toBe(200);
  });

  it('content manager: a second Marketing Operations user cannot rename it or make it global', async () => {
    const edit = await bob('PUT', `${CM}/api::segment.segment/${secret.documentId}`, { name: 'Renamed', visibility: 'global' });
    expect(edit.status).not.toBe(200);
    expect([edit.status >= 400, edit.status < 500]).toEqual([true, true]);
    const row = await app.strapi.db.query('api::segment.segment').findOne({ where: { id: secret.id } });
    expect([row.name, row.visibility]).toEqual(['Super private', 'private']);
    const tagEdit = await bob('PUT', `${CM}/api::tag.tag/${aliceTag.documentId}`, { name: 'Renamed', visibility: 'global' });
    expect(tagEdit.status).not.toBe(200);
    // The owner still edits their own.
    expect((await alice('PUT', `${CM}/api::segment.segment/${secret.documentId}`, { description: 'mine' })).status).toBe(200);
  });

  it('content manager: what a user creates there records them as owner and stays theirs', async () => {
    const created = await bob('POST', `${CM}/api::segment.segment`, {
      name: 'Bob private',
      key: 'bob-private',
      type: 'dynamic',
      segment_status: 'draft',
      visibility: 'private',
    });
    expect(created.status).toBe(201);
    const row = await app.strapi.db.query('api::segment.segment').findOne({ where: { key: 'bob-private' }, populate: ['owner'] });
    const bobs = await app.strapi.db.query('admin::user').findOne({ where: { email: 'bob@test.local' } });
    expect(row.owner?.id).toBe(bobs.id);
    expect((await bob('GET', `${CM}/api::segment.segment/${row.documentId}`)).status).toBe(200);
    expect((await alice('GET', `${CM}/api::segment.segment?page=1&pageSize=100`)).body.results.map((s: any) => s.key)).not.toContain('bob-private');
    await app.strapi.documents('api::segment.segment').delete({ documentId: row.documentId });
  });

  it('REST and GraphQL: tokens see global segments and tags only, unless granted', async () => {
    const rest = await token('GET', '/api/segments?pagination[pageSize]=100');
    expect(rest.status).toBe(200);
    expect(rest.body.data.map((s: any) => s.key)).toEqual(['everyone']);
    expect((await token('GET', `/api/segments/${secret.documentId}`)).status).toBe(404);
    expect((await token('GET', `/api/segments?filters[key][$eq]=super-private`)).body.data).toEqual([]);
    const put = await token('PUT', `/api/segments/${secret.documentId}`, { data: { visibility: 'global' } });
    expect(put.status).toBe(404);
    expect((await token('DELETE', `/api/segments/${team.documentId}`)).status).toBe(404);
    expect((await token('GET', '/api/tags?pagination[pageSize]=100')).body.data.map((t: any) => t.slug).sort()).toEqual(['gold', 'silver']);
    const gql = await token('POST', '/graphql', { query: '{ segments(pagination: { pageSize: 100 }) { key visibility rule } }' });
    expect(gql.status).toBe(200);
    expect(gql.body.data.segments.map((s: any) => s.key)).toEqual(['everyone']);
    const gqlOne = await token('POST', '/graphql', { query: `{ segment(documentId: "${secret.documentId}") { key rule } }` });
    expect(gqlOne.body.data?.segment ?? null).toBeNull();
    const gqlTags = await token('POST', '/graphql', { query: '{ tags { slug } }' });
    expect(gqlTags.body.data.tags.map((t: any) => t.slug).sort()).toEqual(['gold', 'silver']);
    // The plugin's content-API routes follow the same rule.
    expect((await token('GET', '/api/segments/rules')).body.data.map((s: any) => s.key)).toEqual(['everyone']);
    // Granted explicitly: everything.
    expect((await granted('GET', '/api/segments?pagination[pageSize]=100')).body.data.map((s: any) => s.key).sort()).toEqual([
      'everyone',
      'super-private',
      'team-gold',
    ]);
    expect((await granted('GET', '/api/segments/rules')).body.data.map((s: any) => s.key).sort()).toEqual(['everyone', 'super-private', 'team-gold']);
  });

  it('related segments (parent, children) stay hidden in REST, GraphQL and the content manager', async () => {
    // A private child under a global segment, and a global child under the private segment.
    const child = await alice('POST', '/client-insights/segments', {
      name: 'Hidden child',
      key: 'hidden-child',
      parent: shared.id,
      rule: SECRET_RULE,
      visibility: 'private',
    });
    const orphan = await alice('POST', '/client-insights/segments', { name: 'Open child', key: 'open-child', parent: secret.id, rule: SECRET_RULE });
    expect([child.status, orphan.status]).toEqual([201, 201]);
    try {
      const rest = await token('GET', '/api/segments?populate[0]=children&populate[1]=parent&sort=key');
      expect(rest.body.data.map((s: any) => [s.key, (s.children ?? []).map((c: any) => c.key), s.parent?.key ?? null])).toEqual([
        ['everyone', [], null],
        ['open-child', [], null],
      ]);
      const gql = await token('POST', '/graphql', {
        query: '{ segments(sort: "key") { key children { key } children_connection { nodes { key } } parent { key rule } } }',
      });
      expect(gql.body.errors).toBeUndefined();
      expect(gql.body.data.segments).toEqual([
        { key: 'everyone', children: [], children_connection: { nodes: [] }, parent: null },
        { key: 'open-child', children: [], children_connection: { nodes: [] }, parent: null },
      ]);
      const relations = await bob('GET', `/content-manager/relations/api::segment.segment/parent?pageSize=100`);
      expect(relations.status).toBe(200);
      expect(text(relations.body)).toContain('Everyone');
      expect(text(relations.body)).not.toMatch(/hidden-child|Hidden child|super-private|Super private/);
      const children = await bob('GET', `/content-manager/relations/api::segment.segment/${shared.documentId}/children?pageSize=100`);
      expect(text(children.body)).not.toMatch(/hidden-child|Hidden child/);
    } finally {
      await drop(child.body.data.id);
      await drop(orphan.body.data.id);
    }
  });

  it('in_segment and has_tag of a hidden segment or tag are refused exactly like unknown ones', async () => {
    for (const path of ['/client-insights/rules/preview', '/client-insights/rules/validate']) {
      for (const user of [bob, sam]) {
        const seg = await user('POST', path, { rule: { in_segment: ['super-private'] } });
        const none = await user('POST', path, { rule: { in_segment: ['no-such-segment'] } });
        expect([path, seg.status, none.status]).toEqual([path, 400, 400]);
        expect(text(seg.body).replaceAll('super-private', 'no-such-segment')).toBe(text(none.body));
        const tag = await user('POST', path, { rule: { has_tag: ['alice-secret'] } });
        const noTag = await user('POST', path, { rule: { has_tag: ['no-such-tag'] } });
        expect([path, tag.status, noTag.status]).toEqual([path, 400, 400]);
        expect(text(tag.body).replaceAll('alice-secret', 'no-such-tag')).toBe(text(noTag.body));
      }
      // A token (not granted) may not name a team segment either.
      expect((await token('POST', path.replace('/client-insights/rules', '/api/segments/rules'), { rule: { in_segment: ['team-gold'] } })).status).toBe(400);
      // Its owner may use it.
      expect((await alice('POST', path, { rule: { in_segment: ['super-private'] } })).status).toBe(200);
    }
    const create = await bob('POST', '/client-insights/segments', { name: 'Piggyback', rule: { in_segment: ['super-private'] } });
    const createNone = await bob('POST', '/client-insights/segments', { name: 'Piggyback', rule: { in_segment: ['no-such-segment'] } });
    expect([create.status, text(create.body).replaceAll('super-private', 'no-such-segment')]).toEqual([400, text(createNone.body)]);
    const update = await bob('PUT', `/client-insights/segments/${shared.id}`, { rule: { in_segment: ['super-private'] } });
    expect(update.status).toBe(400);
    const tagRule = await bob('POST', '/client-insights/tags', { name: 'Piggy tag', category: 'basic', rule: { in_segment: ['super-private'] } });
    expect(tagRule.status).toBe(400);
  });

  it('duplicate-rule warnings name only segments the viewer may see', async () => {
    const mine = await alice('POST', '/client-insights/rules/preview', { rule: SECRET_RULE });
    expect(text(mine.body.data.warnings)).toContain('super-private');
    for (const user of [bob, sam]) {
      const other = await user('POST', '/client-insights/rules/preview', { rule: SECRET_RULE });
      expect(other.status).toBe(200);
      expect(other.body.data.warnings.filter((w: any) => w.kind === 'duplicate')).toEqual([]);
      expect(text(other.body)).not.toMatch(/super-private|Super private/);
      const checked = await user('POST', '/client-insights/rules/validate', { rule: SECRET_RULE });
      expect(text(checked.body)).not.toMatch(/super-private|Super private/);
    }
    const created = await bob('POST', '/client-insights/segments', { name: 'Bob secretville', rule: SECRET_RULE });
    expect(created.status).toBe(201);
    expect(text(created.body)).not.toMatch(/super-private|Super private/);
    await drop(created.body.data.id);
  });

  it('the tag-merge 409 does not name private segments of others', async () => {
    const hiddenUser = await alice('POST', '/client-insights/segments', {
      name: 'Alice gold secret',
      key: 'alice-gold',
      rule: { has_tag: ['gold'] },
      visibility: 'private',
    });
    expect(hiddenUser.status).toBe(201);
    const refused = await bob('POST', '/client-insights/tags/merge', { source: gold.id, target: silver.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('Team gold');
    expect(refused.body.error.message).not.toMatch(/Alice gold secret|alice-gold/);
    expect(refused.body.error.message).toContain('1 segment you cannot see');
    await drop(hiddenUser.body.data.id);
  });

  it('tag bulk apply with a hidden segment is refused like an unknown one', async () => {
    const hidden = await bob('POST', `/client-insights/tags/${silver.id}/bulk`, { action: 'apply', segment: 'super-private' });
    const unknown = await bob('POST', `/client-insights/tags/${silver.id}/bulk`, { action: 'apply', segment: 'no-such-segment' });
    expect([hidden.status, unknown.status]).toEqual([400, 400]);
    expect(text(hidden.body).replaceAll('super-private', 'no-such-segment')).toBe(text(unknown.body));
    const byId = await bob('POST', `/client-insights/tags/${silver.id}/bulk`, { action: 'apply', segment: secret.id });
    expect(byId.status).toBe(400);
    const assigned = await app.strapi.db.connection('ci_customer_tags').where('tag_id', silver.id).count({ n: '*' }).first();
    expect(Number(assigned!.n)).toBe(0);
    // The owner may.
    expect((await alice('POST', `/client-insights/tags/${silver.id}/bulk`, { action: 'apply', segment: 'super-private' })).body.data.affected).toBe(2);
  });

  it("a customer's private tags of others are not shown nor usable as a list filter", async () => {
    const [customer] = await app.strapi.db.connection('customers').where('name', 'Hidden One').pluck('id');
    expect((await alice('POST', `/client-insights/tags/${aliceTag.id}/bulk`, { action: 'apply', customerIds: [customer] })).status).toBe(200);
    const slugs = async (user: ReturnType<typeof client>) =>
      (await user('GET', `/client-insights/customers/${customer}`)).body.data.tags.map((t: any) => t.slug);
    expect(await slugs(alice)).toContain('alice-secret');
    expect(await slugs(sam)).not.toContain('alice-secret');
    const hidden = await sam('GET', '/client-insights/customers?tag=alice-secret');
    const unknown = await sam('GET', '/client-insights/customers?tag=no-such-tag');
    expect([hidden.status, text(hidden.body).replaceAll('alice-secret', 'no-such-tag')]).toEqual([400, text(unknown.body)]);
    expect((await alice('GET', '/client-insights/customers?tag=alice-secret')).body.data.map((c: any) => c.id)).toEqual([customer]);
  });

  it('a key or slug collision answers without disclosing whose it is', async () => {
    const taken = await bob('POST', '/client-insights/segments', { name: 'Mine', key: 'super-private', rule: SECRET_RULE });
    expect(taken.status).toBe(400);
    expect(taken.body.error.details.errors).toEqual([{ path: '/key', message: 'key "super-private" is not available; choose another key' }]);
    expect(text(taken.body)).not.toMatch(/already used|Super private/);
    // The same answer as for a key the caller can see.
    const visible = await bob('POST', '/client-insights/segments', { name: 'Mine', key: 'everyone', rule: SECRET_RULE });
    expect(text(visible.body).replaceAll('everyone', 'super-private')).toBe(text(taken.body));
    const slug = await bob('POST', '/client-insights/tags', { name: 'Mine', slug: 'alice-secret', category: 'basic' });
    expect(slug.body.error.details.errors).toEqual([{ path: '/slug', message: 'slug "alice-secret" is not available; choose another slug' }]);
  });
});
