/**
 * The cost of encryption at rest and masking, for `npm run bench:preview` (the same Strapi, the
 * same database, interleaved runs):
 *   - rules on encrypted fields: the preview (equality by keyed hash, what the product runs now)
 *     beside the statement a rule compiled to before encryption (equality on the contact column
 *     itself: a scan of customers), both counting the same customers;
 *   - reading a page of 100 customers: as stored (raw), decrypted (what a viewer with "view
 *     sensitive fields" gets), decrypted and masked (everyone else), through the plugin's list
 *     route and through the Document Service (the content manager's path, lifecycles decrypting).
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { decryptRow, HASH_COLUMNS, hashValue } from '../plugins/client-insights/server/src/core/security/field-crypto';
import { maskContact } from '../plugins/client-insights/server/src/modules/customers/mask';
import { previewRule } from '../plugins/client-insights/server/src/modules/rules/preview';

type Timed = { median: number; runs: number[] };

const measure = async (runs: number, fn: () => Promise<unknown>): Promise<Timed> => {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], runs: samples };
};

const PAGE_COLUMNS = ['id', 'name', 'email', 'phone', 'notes', 'region', 'stage'];

export const measureEncryption = async (strapi: Core.Strapi, knex: Knex, previewRuns: number, now: Date) => {
  let runs = previewRuns;
  // Customers spread over the table, with an email and a phone (decrypted by the lifecycles).
  const picked = (await strapi.db.query('api::customer.customer').findMany({
    where: { email: { $notNull: true }, phone: { $notNull: true } },
    select: ['id', 'email', 'phone'],
    orderBy: { id: 'asc' },
    limit: 20,
    offset: 1000,
  })) as Array<{ id: number; email: string; phone: string }>;
  if (picked.length < 20) throw new Error('bench:preview encryption: fewer than 20 customers with an email and a phone');
  const stored = await knex('customers')
    .whereIn(
      'id',
      picked.map((p) => p.id)
    )
    .select('id', 'email', 'phone');

  const rules = [
    {
      name: 'email == one address',
      rule: { '==': [{ var: 'customer.email' }, picked[0].email] },
      before: () =>
        knex('customers')
          .where('email', stored.find((s) => s.id === picked[0].id)!.email)
          .count({ n: '*' }),
      hash: () => knex('customers').where(HASH_COLUMNS.email, hashValue('email', picked[0].email)).count({ n: '*' }),
    },
    {
      name: 'phone in a list of 20',
      rule: { in: [{ var: 'customer.phone' }, picked.map((p) => p.phone)] },
      before: () =>
        knex('customers')
          .whereIn(
            'phone',
            stored.map((s) => s.phone)
          )
          .count({ n: '*' }),
      hash: () =>
        knex('customers')
          .whereIn(
            HASH_COLUMNS.phone,
            picked.map((p) => hashValue('phone', p.phone))
          )
          .count({ n: '*' }),
    },
  ];
  const ruleResults = [];
  for (const r of rules) {
    const preview = await measure(runs, () => previewRule(knex, { rule: r.rule, now }));
    const count = (await previewRule(knex, { rule: r.rule, now })).count;
    const before = await measure(runs, r.before);
    const byHash = await measure(runs, r.hash);
    ruleResults.push({
      name: r.name,
      count,
      preview,
      beforeEncryptionEquality: before,
      hashEquality: byHash,
      ratioHashVsBefore: byHash.median / before.median,
    });
  }

  // A page of 100 customers: a few milliseconds each, so more runs to steady the medians.
  runs = Math.max(runs, 50);
  const page = () => knex('customers').select(PAGE_COLUMNS).orderBy('id', 'desc').limit(100);
  const raw = await measure(runs, page);
  const decrypted = await measure(runs, async () => (await page()).map((r: any) => decryptRow(r)));
  const masked = await measure(runs, async () => (await page()).map((r: any) => maskContact(decryptRow(r), false)));
  const customers = strapi.plugin('client-insights').service('customers');
  const viewer = (seesContact: boolean) => ({ kind: 'admin' as const, userId: 1, roleIds: [], seesContact });
  const listSeeing = await measure(runs, () => customers.list({ page: 1, pageSize: 100 }, viewer(true)));
  const listMasked = await measure(runs, () => customers.list({ page: 1, pageSize: 100 }, viewer(false)));
  const documents = await measure(runs, () =>
    strapi.documents('api::customer.customer').findMany({ fields: ['name', 'email', 'phone', 'notes', 'region', 'stage'] as any, sort: 'id:desc', limit: 100 })
  );
  const reads = {
    rawPage: raw,
    decryptedPage: decrypted,
    decryptedAndMaskedPage: masked,
    pluginListSeeingContact: listSeeing,
    pluginListMasked: listMasked,
    documentServicePage: documents,
    ratios: { decryptedVsRaw: decrypted.median / raw.median, maskedVsRaw: masked.median / raw.median, documentServiceVsRaw: documents.median / raw.median },
  };
  return { rules: ruleResults, reads };
};

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);

export const printEncryption = ({ rules, reads }: Awaited<ReturnType<typeof measureEncryption>>) => {
  console.log('\nencryption at rest: rules on encrypted fields');
  console.log('| rule | matches | preview | equality before encryption (column scan) | equality by hash | hash/before |\n|---|---|---|---|---|---|');
  for (const r of rules)
    console.log(
      `| ${r.name} | ${r.count} | ${fmt(r.preview.median)} | ${fmt(r.beforeEncryptionEquality.median)} | ${fmt(r.hashEquality.median)} | ${r.ratioHashVsBefore.toFixed(2)}× |`
    );
  console.log('\nencryption and masking: a page of 100 customers');
  console.log('| read | median | vs raw |\n|---|---|---|');
  const row = (name: string, t: Timed) => console.log(`| ${name} | ${fmt(t.median)} | ${(t.median / reads.rawPage.median).toFixed(2)}× |`);
  row('as stored (raw select)', reads.rawPage);
  row('decrypted', reads.decryptedPage);
  row('decrypted and masked', reads.decryptedAndMaskedPage);
  row('Document Service (content manager path)', reads.documentServicePage);
  row('plugin list, sees contact data (with its count)', reads.pluginListSeeingContact);
  row('plugin list, masked (with its count)', reads.pluginListMasked);
};
