import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { generateBatches, type Batch } from './generate';
import { createRandom } from './random';
import { CAMPAIGNS, TAGS } from './vocabulary';
import { analyzeTables } from '../../plugins/client-insights/server/src/core/db/dialect';
import { withDeferredIndexes } from '../../plugins/client-insights/server/src/core/db/deferred-indexes';
import { dialectOf, resetSequence, writeRows } from './write';
import { encryptRow } from '../../plugins/client-insights/server/src/core/security/field-crypto';

export type SeedOptions = {
  customers: number;
  seed?: string | number;
  /** The data set's "now"; defaults to the start of today (UTC) so demo data stays current. */
  anchor?: Date;
  reset?: boolean;
  batchSize?: number;
  log?: (message: string) => void;
};

export type SeedResult = { customers: number; orders: number; interactions: number; tagAssignments: number; ms: number };

const BUSINESS_TABLES = [
  'customers_owner_lnk',
  'customers_referrer_lnk',
  'customers_family_members_lnk',
  'orders_customer_lnk',
  'interactions_customer_lnk',
  'interactions_campaign_lnk',
  'tasks_customer_lnk',
  'tasks_assignee_lnk',
  'tags_owner_lnk',
  'interactions',
  'orders',
  'tasks',
  'campaigns',
  'tags',
  'customers',
];

/** Rules that the rule-based demo tags are auto-applied by (docs/rules.md). */
const TAG_RULES: Record<string, unknown> = {
  vip: { '>': [{ var: 'metrics.total_spent' }, 100000] },
  'payment-overdue': { '>': [{ var: 'metrics.overdue_amount' }, 0] },
  'event-attendee': { '>=': [{ event_count: ['event_checkin', null] }, 1] },
  'repeat-buyer': { '>=': [{ var: 'metrics.order_count' }, 2] },
};

const startOfTodayUtc = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
};

/** Every table the plugin keeps (computed data): cleared with the business data on --reset. */
const pluginDataTables = async (knex: Knex): Promise<string[]> => {
  const dialect = dialectOf(knex);
  const rows =
    dialect === 'postgres'
      ? (await knex.raw("select tablename as name from pg_tables where schemaname = current_schema() and tablename like 'ci\\_%'")).rows
      : dialect === 'mysql'
        ? (await knex.raw("select table_name as name from information_schema.tables where table_schema = database() and table_name like 'ci\\_%'"))[0]
        : await knex.raw("select name from sqlite_master where type = 'table' and name like 'ci\\_%' escape '\\'");
  return rows.map((r: { name: string }) => r.name).filter((name: string) => name !== 'ci_migrations');
};

const clear = async (knex: Knex) => {
  const tables = [...(await pluginDataTables(knex)), ...BUSINESS_TABLES];
  const dialect = dialectOf(knex);
  if (dialect === 'postgres') {
    await knex.raw(`truncate ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`);
  } else if (dialect === 'mysql') {
    await knex.raw('set foreign_key_checks = 0');
    try {
      for (const table of tables) await knex.raw('truncate table ??', [table]);
    } finally {
      await knex.raw('set foreign_key_checks = 1');
    }
  } else {
    for (const table of tables) await knex(table).del();
    await knex.raw(`delete from sqlite_sequence where name in (${tables.map(() => '?').join(', ')})`, tables);
  }
};

const nextId = async (knex: Knex, table: string) => Number((await knex(table).max({ m: 'id' }).first())?.m ?? 0) + 1;

/** Campaigns and tags are reference data: created once, found by name / slug afterwards. */
const ensureReferenceData = async (knex: Knex, seed: string | number, now: Date) => {
  const rnd = createRandom(`${seed}:reference`);
  const year = now.getUTCFullYear();
  const campaigns: Array<{ id: number; channel: string; month: number }> = [];
  for (const c of CAMPAIGNS) {
    let row = await knex('campaigns').where({ name: c.name }).first('id');
    if (!row) {
      const startedAt = new Date(Date.UTC(now.getUTCMonth() + 1 >= c.month ? year : year - 1, c.month - 1, 1));
      await knex('campaigns').insert({
        document_id: rnd.documentId(),
        name: c.name,
        channel: c.channel,
        budget: c.budget,
        started_at: startedAt,
        ended_at: new Date(startedAt.getTime() + 45 * 86_400_000),
        created_at: now,
        updated_at: now,
        published_at: now,
      });
      row = await knex('campaigns').where({ name: c.name }).first('id');
    }
    campaigns.push({ id: row.id, channel: c.channel, month: c.month });
  }
  const tagIds: Record<string, number> = {};
  for (const t of TAGS) {
    let row = await knex('tags').where({ slug: t.slug }).first('id');
    if (!row) {
      await knex('tags').insert({
        document_id: rnd.documentId(),
        name: t.name,
        slug: t.slug,
        category: t.category,
        description: t.description,
        color: t.color,
        visibility: 'global',
        rule: TAG_RULES[t.slug] ? JSON.stringify(TAG_RULES[t.slug]) : null,
        created_at: now,
        updated_at: now,
        published_at: now,
      });
      row = await knex('tags').where({ slug: t.slug }).first('id');
    }
    tagIds[t.slug] = row.id;
  }
  return { campaigns, tagIds };
};

/** The tables a batch writes, in writing order (link tables after the rows they link). */
const LOAD_TABLES = [
  'customers',
  'orders',
  'interactions',
  'orders_customer_lnk',
  'interactions_customer_lnk',
  'interactions_campaign_lnk',
  'customers_referrer_lnk',
  'customers_family_members_lnk',
  'customers_owner_lnk',
  'ci_customer_tags',
];

const writeBatch = async (knex: Knex, b: Batch, freeze: boolean) => {
  const w = (table: string, columns: string[], rows: unknown[][]) => writeRows(knex, table, columns, rows, { freeze });
  await w(
    'customers',
    [
      'id',
      'document_id',
      'name',
      'email',
      'phone',
      'region',
      'language',
      'education',
      'target_major',
      'program',
      'stage',
      'lead_source',
      'notes',
      'created_at',
      'updated_at',
      'published_at',
      'email_hash',
      'phone_hash',
    ],
    // Contact data encrypted and hashed as the app's own writes store it (the COPY bypasses Strapi).
    b.customers.map((raw) => {
      const c = encryptRow(raw);
      return [
        c.id,
        c.document_id,
        c.name,
        c.email,
        c.phone,
        c.region,
        c.language,
        c.education,
        c.target_major,
        c.program,
        c.stage,
        c.lead_source,
        c.notes,
        c.created_at,
        c.updated_at,
        c.published_at,
        c.email_hash,
        c.phone_hash,
      ];
    })
  );
  await w(
    'orders',
    [
      'id',
      'document_id',
      'amount',
      'gross_margin',
      'currency',
      'kind',
      'payment_status',
      'ordered_at',
      'contract_end_at',
      'created_at',
      'updated_at',
      'published_at',
    ],
    b.orders.map((o) => [
      o.id,
      o.document_id,
      o.amount,
      o.gross_margin,
      o.currency,
      o.kind,
      o.payment_status,
      o.ordered_at,
      o.contract_end_at,
      o.created_at,
      o.updated_at,
      o.published_at,
    ])
  );
  await w(
    'interactions',
    ['id', 'document_id', 'type', 'occurred_at', 'channel', 'properties', 'created_at', 'updated_at', 'published_at'],
    b.interactions.map((i) => [i.id, i.document_id, i.type, i.occurred_at, i.channel, i.properties, i.created_at, i.updated_at, i.published_at])
  );
  await w('orders_customer_lnk', ['order_id', 'customer_id', 'order_ord'], b.orderLinks);
  await w('interactions_customer_lnk', ['interaction_id', 'customer_id', 'interaction_ord'], b.interactionLinks);
  await w('interactions_campaign_lnk', ['interaction_id', 'campaign_id', 'interaction_ord'], b.campaignLinks);
  await w(
    'customers_referrer_lnk',
    ['customer_id', 'inv_customer_id', 'customer_ord'],
    b.referrerLinks.map(([c, r]) => [c, r, 1])
  );
  await w(
    'customers_family_members_lnk',
    ['customer_id', 'inv_customer_id', 'customer_ord'],
    b.familyLinks.map(([c, f]) => [c, f, 1])
  );
  await w('customers_owner_lnk', ['customer_id', 'user_id'], b.ownerLinks);
  await w(
    'ci_customer_tags',
    ['customer_id', 'tag_id', 'source', 'confidence', 'created_at', 'expires_at'],
    b.tagAssignments.map((t) => [t.customer_id, t.tag_id, t.source, t.confidence, t.created_at, t.expires_at])
  );
};

const allEmpty = async (knex: Knex, tables: string[]) => {
  for (const table of tables) if (await knex(table).first(knex.raw('1'))) return false;
  return true;
};

/** Generates the batches and writes them; writing one batch overlaps with generating the next. */
const load = async (knex: Knex, options: SeedOptions, seed: string | number, anchor: Date, freeze: boolean) => {
  const log = options.log ?? (() => undefined);
  const reference = await ensureReferenceData(knex, seed, anchor);
  const ownerIds = (await knex('admin_users').select('id')).map((r: { id: number }) => r.id);
  const firstIds = { customer: await nextId(knex, 'customers'), order: await nextId(knex, 'orders'), interaction: await nextId(knex, 'interactions') };
  const totals = { customers: 0, orders: 0, interactions: 0, tagAssignments: 0 };
  let pending: Promise<void> = Promise.resolve();
  for (const batch of generateBatches({ customers: options.customers, seed, anchor, batchSize: options.batchSize, firstIds, ownerIds, ...reference })) {
    await pending;
    totals.customers += batch.customers.length;
    totals.orders += batch.orders.length;
    totals.interactions += batch.interactions.length;
    totals.tagAssignments += batch.tagAssignments.length;
    pending = writeBatch(knex, batch, freeze);
    log(`seed: ${totals.customers}/${options.customers} customers generated`);
  }
  await pending;
  for (const table of ['customers', 'orders', 'interactions']) await resetSequence(knex, table);
  return totals;
};

/**
 * Fills the database with demo customers and everything around them, in batches. On PostgreSQL,
 * when the tables start empty, the whole load is one transaction with index builds deferred to
 * its end and rows written frozen (see db/deferred-indexes.ts in the plugin). Returns what it wrote.
 */
export const seedDemoData = async (knex: Knex, options: SeedOptions): Promise<SeedResult> => {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? 42;
  const anchor = options.anchor ?? startOfTodayUtc();
  if (!Number.isInteger(options.customers) || options.customers < 0) throw new Error('customers must be a whole number ≥ 0');

  let totals: Awaited<ReturnType<typeof load>>;
  if (dialectOf(knex) === 'postgres' && (options.reset || (await allEmpty(knex, LOAD_TABLES)))) {
    totals = await withDeferredIndexes(knex, LOAD_TABLES, async (trx) => {
      if (options.reset) await clear(trx);
      // Tables truncated in this transaction may take their rows frozen (no later rewrite by VACUUM).
      const written = await load(trx, options, seed, anchor, options.reset === true);
      log(`seed: rows written in ${((Date.now() - started) / 1000).toFixed(1)} s; building indexes`);
      return written;
    });
  } else {
    if (options.reset) await clear(knex);
    totals = await load(knex, options, seed, anchor, false);
  }
  log(`seed: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; vacuum analyze`);
  // Planner statistics and visibility for what was just loaded (autovacuum may be off or late).
  await analyzeTables(knex, [...BUSINESS_TABLES, 'ci_customer_tags'], { always: true, vacuum: true });
  return { ...totals, ms: Date.now() - started };
};

/** Rebuilds the metrics rollup (one SQL pass) for what was loaded; answers how long it took (ms). */
export const rebuildMetrics = async (strapi: Core.Strapi): Promise<number> => {
  const started = Date.now();
  await (strapi.plugin('client-insights').service('metrics') as { rebuild(): Promise<unknown> }).rebuild();
  return Date.now() - started;
};

/** Seeds through a booted app, then rebuilds the metrics rollup for what was loaded. */
export const seedWithMetrics = async (strapi: Core.Strapi, options: SeedOptions): Promise<SeedResult & { rebuildMs: number }> => {
  const result = await seedDemoData(strapi.db.connection, options);
  return { ...result, rebuildMs: await rebuildMetrics(strapi) };
};
