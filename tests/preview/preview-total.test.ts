import type { Knex } from 'knex';
import { previewRule } from '../../plugins/client-insights/server/src/modules/rules/preview';
import { startStrapi, type TestApp } from '../helpers/strapi';

/**
 * The preview's total (customers/total.ts) is counted once and kept, yet right after customers are
 * created or deleted, whichever way (one, many, through the Document Service or the Query Engine).
 */
const CUSTOMER = 'api::customer.customer';
const RULE = { '==': [{ var: 'customer.stage' }, 'signed'] };

describe('preview total after creates and deletes', () => {
  let app: TestApp;
  let knex: Knex;
  const total = async () => (await previewRule(knex, { rule: RULE, sampleSize: 0 })).total;
  const counted = async () => Number((await knex('customers').count({ n: '*' }).first())?.n);

  beforeAll(async () => {
    app = await startStrapi();
    knex = app.strapi.db.connection;
  });
  afterAll(async () => app?.stop());

  it('follows every create and delete', async () => {
    const start = await total();
    expect(start).toBe(await counted());
    expect(await total()).toBe(start);

    const docs = app.strapi.documents(CUSTOMER as any);
    const a = await docs.create({ data: { name: 'Total A', stage: 'signed' } as any });
    expect(await total()).toBe(start + 1);

    await app.strapi.db.query(CUSTOMER as any).createMany({ data: [{ name: 'Total B' }, { name: 'Total C' }] });
    expect(await total()).toBe(start + 3);

    await docs.delete({ documentId: a.documentId });
    expect(await total()).toBe(start + 2);

    await app.strapi.db.query(CUSTOMER as any).deleteMany({ where: { name: { $in: ['Total B', 'Total C'] } } });
    expect(await total()).toBe(start);
    expect(await total()).toBe(await counted());
  });

  // SQLite has one connection: a preview cannot run beside an open write transaction there.
  const concurrent = (process.env.TEST_DB ?? 'sqlite') === 'sqlite' ? it.skip : it;
  concurrent('counts again when a create commits after a preview counted without it', async () => {
    const before = await total();
    // The preview counts while the create's transaction is still open: that count cannot see the row.
    await app.strapi.db.transaction(async () => {
      await app.strapi.db.query(CUSTOMER as any).create({ data: { name: 'Total D' } });
      expect(await previewRule(knex, { rule: RULE, sampleSize: 0 }).then((p) => p.total)).toBeGreaterThanOrEqual(before);
    });
    expect(await total()).toBe(before + 1);
  });
});
