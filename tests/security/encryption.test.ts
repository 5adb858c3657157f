import crypto from 'crypto';
import { execFileSync } from 'child_process';
import type { Knex } from 'knex';
import { seedDemoData } from '../../src/demo-data/seed';
import { createJobTracker } from '../../plugins/client-insights/server/src/core/jobs/tracker';
import { hashValue, keyIdOf } from '../../plugins/client-insights/server/src/core/security/field-crypto';
import { startReencryption } from '../../plugins/client-insights/server/src/core/security/reencrypt';
import { SERVER } from '../helpers/databases';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Encryption at rest of customer email, phone and notes (issue 13, item 4): every way a customer
 * is written stores ciphertext naming its key and hashes beside email and phone; every way an
 * authorised caller reads shows the plaintext; equality rules match by hash and text search is
 * refused; re-encryption under a new key leaves no value under the old one; and on PostgreSQL a
 * pg_dump of the database holds none of the plaintext.
 */
describe('field encryption at rest', () => {
  let app: TestApp;
  let knex: Knex;
  let admin: string;
  let fullAccess: string;
  let granted: string;
  const ids: Record<string, number> = {};
  const docs: Record<string, string> = {};

  // Distinct, greppable plaintexts per customer and write path.
  const PATHS = ['documents', 'rest', 'cm'] as const;
  const person = (p: string) => ({
    name: `Crypt ${p}`,
    email: `crypt.${p}@plain-mail.test`,
    phone: `+86 139 5550 ${String(PATHS.indexOf(p as any) + 1).padStart(4, '0')}`,
    notes: `plain-note-${p}-never-stored`,
  });
  const PLAINTEXTS = PATHS.flatMap((p) => Object.values(person(p)).slice(1));

  const http = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const stored = () => knex('customers').select('id', 'email', 'phone', 'notes', 'email_hash', 'phone_hash').orderBy('id');
  const preview = async (rule: unknown) => http(admin, 'POST', '/client-insights/rules/preview', { rule });

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    knex = app.strapi.db.connection;
    admin = await adminSession(app);
    fullAccess = await apiToken(app, 'full-access');
    const reads = ['api::customer.customer.find', 'api::customer.customer.findOne', 'api::order.order.find'];
    granted = (
      await app.strapi
        .service('admin::api-token')
        .create({ name: `granted-${Date.now()}`, type: 'custom', lifespan: null, permissions: [...reads, 'plugin::client-insights.sensitive.view'] })
    ).accessKey;
    // The bulk seeder writes around Strapi (batched inserts, COPY on PostgreSQL).
    await seedDemoData(knex, { customers: 40, seed: 7 });

    const viaDocuments = await app.strapi.documents('api::customer.customer').create({ data: { ...person('documents'), stage: 'signed' } as any });
    docs.documents = viaDocuments.documentId;
    const viaRest = await http(fullAccess, 'POST', '/api/customers', { data: { ...person('rest'), stage: 'signed' } });
    expect(viaRest.status).toBe(201);
    docs.rest = viaRest.body.data.documentId;
    const viaCm = await http(admin, 'POST', '/content-manager/collection-types/api::customer.customer', { ...person('cm'), stage: 'signed' });
    expect(viaCm.status).toBe(201);
    docs.cm = viaCm.body.data.documentId;
    for (const p of PATHS) ids[p] = (await app.strapi.db.query('api::customer.customer').findOne({ where: { documentId: docs[p] }, select: ['id'] })).id;
    await app.strapi.documents('api::order.order').create({
      data: { customer: docs.rest, amount: 100, kind: 'new', payment_status: 'paid', ordered_at: new Date().toISOString() } as any,
    });
  }, 180_000);
  afterAll(async () => app?.stop());

  it('stores no plaintext: every value names its key, with the hash of its normalised plaintext beside it', async () => {
    const rows = await stored();
    expect(rows.length).toBe(43);
    const text = JSON.stringify(rows);
    for (const plain of PLAINTEXTS) expect(text).not.toContain(plain);
    expect(text).not.toMatch(/@[a-z-]+\.(test|com|cn|net)/);
    for (const row of rows) {
      for (const field of ['email', 'phone', 'notes'] as const)
        if (row[field] !== null) expect([row.id, field, keyIdOf(row[field])]).toEqual([row.id, field, 't1']);
      expect(row.email_hash === null).toBe(row.email === null);
      expect(row.phone_hash === null).toBe(row.phone === null);
    }
    for (const p of PATHS) {
      const row = rows.find((r: any) => Number(r.id) === ids[p]);
      expect(row.email_hash).toBe(hashValue('email', person(p).email));
      expect(row.phone_hash).toBe(hashValue('phone', person(p).phone));
    }
  });

  it('shows the plaintext to authorised callers: plugin routes, content manager, REST (populated too) and GraphQL', async () => {
    const want = person('rest');
    const profile = await http(admin, 'GET', `/client-insights/customers/${ids.rest}`);
    expect(profile.body.data.customer).toMatchObject({ email: want.email, phone: want.phone, notes: want.notes });
    const list = await http(admin, 'GET', `/client-insights/customers?q=${encodeURIComponent('Crypt rest')}`);
    expect(list.body.data).toEqual([expect.objectContaining({ email: want.email, phone: want.phone })]);
    const cm = await http(admin, 'GET', `/content-manager/collection-types/api::customer.customer/${docs.rest}`);
    expect(cm.body.data).toMatchObject({ email: want.email, phone: want.phone, notes: want.notes });
    const orders = await http(admin, 'GET', '/content-manager/collection-types/api::order.order?page=1&pageSize=10&populate=customer');
    expect(orders.status).toBe(200);
    const rest = await http(granted, 'GET', `/api/customers/${docs.rest}`);
    expect(rest.body.data).toMatchObject({ email: want.email, phone: want.phone, notes: want.notes });
    const populated = await http(granted, 'GET', `/api/orders?populate=customer&filters[customer][documentId][$eq]=${docs.rest}`);
    expect(populated.body.data.map((o: any) => o.customer)).toEqual([expect.objectContaining({ email: want.email, phone: want.phone })]);
    // A seeded customer populated in an order reads as the generator wrote it.
    const anyOrders = await http(granted, 'GET', '/api/orders?populate=customer&pagination[pageSize]=20');
    expect(anyOrders.body.data.filter((o: any) => o.customer?.email).every((o: any) => /^\S+@example\.(com|cn|org|net)$/.test(o.customer.email))).toBe(true);
    const gql = await http(granted, 'POST', '/graphql', { query: `{ customer(documentId: "${docs.rest}") { email phone notes } }` });
    expect(gql.body.data?.customer ?? gql.body).toEqual({ email: want.email, phone: want.phone, notes: want.notes });
    // The seeded customers read back as the generator wrote them (a plausible email each).
    const seeded = await app.strapi.db.query('api::customer.customer').findMany({ where: { email: { $notNull: true } }, limit: 5 });
    expect(seeded.length).toBe(5);
    for (const c of seeded) expect(c.email).toMatch(/^\S+@example\.(com|cn|org|net)$/);
  });

  it('keeps the hash in line when a value changes, and searches contact data whole', async () => {
    const changed = await http(fullAccess, 'PUT', `/api/customers/${docs.documents}`, { data: { email: 'Changed.Person@plain-mail.test' } });
    expect(changed.status).toBe(200);
    const row = (await stored()).find((r: any) => Number(r.id) === ids.documents);
    expect(keyIdOf(row.email)).toBe('t1');
    expect(row.email_hash).toBe(hashValue('email', 'changed.person@plain-mail.test'));
    expect((await preview({ '==': [{ var: 'customer.email' }, 'changed.person@plain-mail.test'] })).body.data.count).toBe(1);
    expect((await preview({ '==': [{ var: 'customer.email' }, person('documents').email] })).body.data.count).toBe(0);
    const byCmSearch = await http(admin, 'GET', `/content-manager/collection-types/api::customer.customer?_q=${encodeURIComponent(person('cm').phone)}`);
    expect(byCmSearch.body.results.map((c: any) => c.name)).toEqual(['Crypt cm']);
    const byPluginSearch = await http(admin, 'GET', `/client-insights/customers?q=${encodeURIComponent(person('cm').email.toUpperCase())}`);
    expect(byPluginSearch.body.data.map((c: any) => c.name)).toEqual(['Crypt cm']);
  });

  it('matches equality rules by hash (case, spaces and punctuation ignored) and refuses text search with a 400', async () => {
    const email = { var: 'customer.email' };
    const phone = { var: 'customer.phone' };
    expect((await preview({ '==': [email, ` ${person('cm').email.toUpperCase()} `] })).body.data.count).toBe(1);
    expect((await preview({ in: [phone, [person('rest').phone.replace(/ /g, '-'), person('cm').phone, '+1 000']] })).body.data.count).toBe(2);
    const all = Number((await knex('customers').count({ n: '*' }).first())!.n);
    const withoutEmail = Number((await knex('customers').whereNull('email').count({ n: '*' }).first())!.n);
    expect((await preview({ '==': [email, null] })).body.data.count).toBe(withoutEmail);
    expect((await preview({ '!=': [email, person('cm').email] })).body.data.count).toBe(all - 1);
    for (const rule of [{ in: ['plain-mail', email] }, { in: ['5550', phone] }]) {
      const refused = await preview(rule);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.errors[0].message).toMatch(
        /is encrypted at rest: it can be compared whole \(==, !=, in a list\), not searched for text/
      );
    }
    const segment = await http(admin, 'POST', '/client-insights/segments', { name: 'By email text', rule: { in: ['@', email] } });
    expect(segment.status).toBe(400);
  });

  it('on PostgreSQL, a pg_dump of the database holds no plaintext email or phone', async () => {
    if (app.db.client !== 'postgres') return;
    const dump = execFileSync(
      'pg_dump',
      ['-h', SERVER.postgres.host, '-p', String(SERVER.postgres.port), '-U', SERVER.postgres.user, '--data-only', app.db.env.DATABASE_NAME],
      { env: { ...process.env, PGPASSWORD: SERVER.postgres.password }, maxBuffer: 256 * 1024 * 1024 }
    ).toString('utf8');
    expect(dump).toContain('enc:v1:t1:');
    const plain = PLAINTEXTS.filter((p) => !p.startsWith('plain-note')).filter((p) => dump.includes(p));
    expect(plain).toEqual([]);
    expect(dump.includes('changed.person@plain-mail.test') || dump.includes('Changed.Person@plain-mail.test')).toBe(false);
    // Nor any seeded customer's (the generator's domains).
    expect(dump.match(/@example\.(com|cn|org|net)/g) ?? []).toEqual([]);
    expect(dump.match(/\+(86|852|853|886) \d{6,}/g) ?? []).toEqual([]);
  });

  it('re-encrypts every value under a new current key in a tracked job; reads are unchanged and nothing names the old key', async () => {
    const before = (await http(admin, 'GET', `/client-insights/customers/${ids.cm}`)).body.data.customer;
    // A row from before encryption (plaintext, no hashes): the same job encrypts it.
    const [legacy] = await knex('customers').insert(
      { document_id: 'legacy-plaintext-row-0001', name: 'Legacy', email: 'legacy@plain-mail.test', phone: '+86 139 0000 1111', stage: 'signed' },
      ['id']
    );
    const legacyId = Number(typeof legacy === 'object' ? legacy.id : legacy);
    expect((await http(admin, 'GET', `/client-insights/customers/${legacyId}`)).body.data.customer.email).toBe('legacy@plain-mail.test');
    process.env.CI_ENCRYPTION_KEYS = `t2:${crypto.randomBytes(32).toString('base64')},${process.env.CI_ENCRYPTION_KEYS}`;
    const jobId = await startReencryption(app.strapi);
    const tracker = createJobTracker(knex);
    let job = await tracker.get(jobId);
    for (let i = 0; i < 300 && job && ['queued', 'running'].includes(job.status); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await tracker.get(jobId);
    }
    expect(job).toMatchObject({ kind: 'fields.reencrypt', status: 'success', result: { keyId: 't2' } });
    expect((job!.result as { rewritten: number }).rewritten).toBe(44);
    const rows = await stored();
    const keyIds = new Set(rows.flatMap((r: any) => ['email', 'phone', 'notes'].map((f) => (r[f] === null ? null : keyIdOf(r[f])))).filter(Boolean));
    expect([...keyIds]).toEqual(['t2']);
    expect(JSON.stringify(rows)).not.toContain('legacy@plain-mail.test');
    expect((await http(admin, 'GET', `/client-insights/customers/${legacyId}`)).body.data.customer).toMatchObject({
      email: 'legacy@plain-mail.test',
      phone: '+86 139 0000 1111',
    });
    expect((await preview({ '==': [{ var: 'customer.phone' }, '8613900001111'] })).body.data.count).toBe(1);
    expect((await http(admin, 'GET', `/client-insights/customers/${ids.cm}`)).body.data.customer).toEqual(before);
    expect((await preview({ '==': [{ var: 'customer.email' }, person('cm').email] })).body.data.count).toBe(1);
    // A second pass finds nothing left to do.
    const again = await startReencryption(app.strapi);
    for (let i = 0; i < 100 && ['queued', 'running'].includes((await tracker.get(again))!.status); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect((await tracker.get(again))!.result).toEqual({ keyId: 't2', rewritten: 0 });
  });
});
