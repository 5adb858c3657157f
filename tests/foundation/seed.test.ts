import crypto from 'crypto';
import type { Knex } from 'knex';
import { seedDemoData } from '../../src/demo-data/seed';
import { decryptRow } from '../../plugins/client-insights/server/src/core/security/field-crypto';
import { startStrapi, type TestApp } from '../helpers/strapi';

const ANCHOR = new Date('2026-06-30T00:00:00Z');
const DIGESTED: Array<[string, string]> = [
  ['customers', 'id'],
  ['orders', 'id'],
  ['interactions', 'id'],
  ['orders_customer_lnk', 'order_id'],
  ['interactions_customer_lnk', 'interaction_id'],
  ['interactions_campaign_lnk', 'interaction_id'],
  ['customers_referrer_lnk', 'customer_id'],
  ['customers_family_members_lnk', 'customer_id, inv_customer_id'],
  ['ci_customer_tags', 'customer_id, tag_id'],
];

/** A digest of every seeded row (without the link tables' own surrogate ids), contact data as plaintext (its ciphertext differs on every write). */
const digest = async (knex: Knex) => {
  const hash = crypto.createHash('sha256');
  for (const [table, order] of DIGESTED) {
    const rows = await knex(table).select('*').orderByRaw(order);
    for (const row of rows) {
      if (table === 'customers') decryptRow(row);
      const { id, ...rest } = row;
      hash.update(JSON.stringify(table.endsWith('_lnk') ? rest : row, (_k, v) => (v instanceof Date ? v.toISOString() : v)));
    }
  }
  return hash.digest('hex');
};

const count = async (knex: Knex, sql: string) => {
  const result = await knex.raw(sql);
  const rows = Array.isArray(result) ? (Array.isArray(result[0]) ? result[0] : result) : result.rows;
  return Number(Object.values(rows[0])[0]);
};

describe('demo data generator', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
  });
  afterAll(async () => app?.stop());

  it('is deterministic: same seed, same data; another seed, other data', async () => {
    const knex = app.strapi.db.connection;
    const first = await seedDemoData(knex, { customers: 600, seed: 7, anchor: ANCHOR, reset: true, batchSize: 250 });
    const a = await digest(knex);
    await seedDemoData(knex, { customers: 600, seed: 7, anchor: ANCHOR, reset: true, batchSize: 100 });
    expect(await digest(knex)).toBe(a);
    await seedDemoData(knex, { customers: 600, seed: 8, anchor: ANCHOR, reset: true });
    expect(await digest(knex)).not.toBe(a);
    expect(first.customers).toBe(600);
    expect(first.orders).toBeGreaterThan(300);
    expect(first.interactions).toBeGreaterThan(600 * 4);
  });

  it('keeps referential integrity and covers what the rules read', async () => {
    const knex = app.strapi.db.connection;
    await seedDemoData(knex, { customers: 800, seed: 11, anchor: ANCHOR, reset: true });
    const zero = [
      'select count(*) from orders o where not exists (select 1 from orders_customer_lnk l join customers c on c.id = l.customer_id where l.order_id = o.id)',
      'select count(*) from interactions i where not exists (select 1 from interactions_customer_lnk l join customers c on c.id = l.customer_id where l.interaction_id = i.id)',
      'select count(*) from (select order_id from orders_customer_lnk group by order_id having count(*) > 1) x',
      'select count(*) from customers_referrer_lnk l where l.inv_customer_id >= l.customer_id or not exists (select 1 from customers c where c.id = l.inv_customer_id)',
      'select count(*) from customers_family_members_lnk l where not exists (select 1 from customers_family_members_lnk r where r.customer_id = l.inv_customer_id and r.inv_customer_id = l.customer_id)',
      'select count(*) from ci_customer_tags t where not exists (select 1 from customers c where c.id = t.customer_id) or not exists (select 1 from tags g where g.id = t.tag_id)',
      'select count(*) from interactions_campaign_lnk l where not exists (select 1 from campaigns c where c.id = l.campaign_id)',
      'select count(*) from orders where ordered_at > contract_end_at',
    ];
    for (const sql of zero) expect([sql, await count(knex, sql)]).toEqual([sql, 0]);

    const types = (await knex('interactions').distinct('type')).map((r: any) => r.type).sort();
    expect(types).toEqual([
      'complaint',
      'email_click',
      'email_open',
      'email_sent',
      'event_checkin',
      'event_signup',
      'follow_up',
      'form_submitted',
      'meeting_attended',
      'meeting_scheduled',
      'negative_feedback',
      'referral',
      'website_visit',
    ]);
    const categories = (await knex('tags').join('ci_customer_tags', 'tags.id', 'ci_customer_tags.tag_id').distinct('tags.category'))
      .map((r: any) => r.category)
      .sort();
    expect(categories).toEqual(['basic', 'behavior', 'risk', 'value']);
    const statuses = (await knex('orders').distinct('payment_status')).map((r: any) => r.payment_status).sort();
    expect(statuses).toEqual(['overdue', 'paid', 'pending', 'refunded']);
    expect(await count(knex, "select count(*) from orders where kind = 'renewal'")).toBeGreaterThan(0);
    expect(await count(knex, 'select count(*) from customers_referrer_lnk')).toBeGreaterThan(20);
    expect(await count(knex, 'select count(*) from customers_family_members_lnk')).toBeGreaterThan(10);
    expect(await count(knex, 'select count(*) from customers where email is null')).toBeGreaterThan(0);
  });

  it('continues after existing rows without --reset and new rows get fresh ids', async () => {
    const knex = app.strapi.db.connection;
    await seedDemoData(knex, { customers: 100, seed: 1, anchor: ANCHOR, reset: true });
    await seedDemoData(knex, { customers: 50, seed: 2, anchor: ANCHOR });
    expect(await count(knex, 'select count(*) from customers')).toBe(150);
    const created = await app.strapi.documents('api::customer.customer').create({ data: { name: 'After seed', stage: 'consultation' } });
    expect(created.id).toBe(151);
  });
});

/** Index and constraint definitions of the loaded tables (PostgreSQL), to compare before and after. */
const schemaOf = async (knex: Knex) => {
  const { rows } = await knex.raw(
    `select indexdef as def from pg_indexes where schemaname = current_schema() and tablename in ('customers', 'interactions', 'interactions_customer_lnk', 'orders_customer_lnk', 'ci_customer_tags')
     union all
     select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid::regclass::text in ('interactions_customer_lnk', 'orders_customer_lnk', 'customers_owner_lnk')
     order by 1`
  );
  return rows.map((r: { def: string }) => r.def);
};

(process.env.TEST_DB === 'postgres' ? describe : describe.skip)('bulk load on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
  });
  afterAll(async () => app?.stop());

  it('leaves every index and constraint as it found them, and a failed load changes nothing', async () => {
    const knex = app.strapi.db.connection;
    const schema = await schemaOf(knex);
    expect(schema.length).toBeGreaterThan(20);
    await seedDemoData(knex, { customers: 300, seed: 3, anchor: ANCHOR, reset: true });
    expect(await schemaOf(knex)).toEqual(schema);
    const before = await digest(knex);

    // Interrupted after every row is written, while the indexes are still dropped.
    const interrupt = (message: string) => {
      if (message.includes('rows written')) throw new Error('interrupted');
    };
    await expect(seedDemoData(knex, { customers: 300, seed: 4, anchor: ANCHOR, reset: true, log: interrupt })).rejects.toThrow('interrupted');
    expect(await digest(knex)).toBe(before);
    expect(await schemaOf(knex)).toEqual(schema);
  });
});
