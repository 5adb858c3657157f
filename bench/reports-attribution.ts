/**
 * The attribution case of `npm run bench:reports`: a synthetic campaign with TOUCHES touches
 * (70 % interactions linked to it, 30 % automation sends of a step tagged with it) on 40 % of
 * the customers, spread over the last 12 months by a hash; a second synthetic campaign touches
 * the same customers 20 000 times, and the seed's own campaign links stay, so paths mix
 * campaigns. All five models with a 30-day window, in SQL (modules/reports/attribution-sql.ts),
 * against the naive way: every touch of the touched customers and their paid orders loaded into
 * Node and credited there. Everything written is removed at the end (ids ≥ 1 960 000 100,
 * document ids `bench-attr-…`).
 */
import type { Knex } from 'knex';
import { HOST_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { attributionFigures, type TaggedStep } from '../plugins/client-insights/server/src/modules/reports/attribution-sql';

export const CAMPAIGN = 1_960_000_100;
const OTHER = CAMPAIGN + 1;
const RULE = 'bench-attr-rule';
const TOUCHES = Number(process.env.ATTRIBUTION_TOUCHES ?? 100_000);
const WINDOW = 30;
const HALF_LIFE = 7;
const DAY = 86_400_000;
const steps: TaggedStep[] = [{ ruleDoc: RULE, version: 1, stepPath: '0', campaignId: CAMPAIGN }];
const MODELS = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position'] as const;

export const cleanupAttribution = async (knex: Knex) => {
  await knex(HOST_TABLES.interactions).where('document_id', 'like', 'bench-attr-%').delete(); // links cascade
  await knex(HOST_TABLES.campaigns).whereIn('id', [CAMPAIGN, OTHER]).delete();
  await knex(TABLES.automationLogs).where({ rule_doc: RULE }).delete();
  await knex(TABLES.automationVersions).where({ rule_doc: RULE }).delete();
};

/** Interactions `bench-attr-<tag>-<g>` of campaign `campaign` for g in 1..n; customer and instant from hashes of g. */
const interactions = async (knex: Knex, tag: string, campaign: number, n: number, customers: number, now: Date) => {
  await knex.raw(
    `insert into interactions (document_id, type, occurred_at, created_at, updated_at, published_at)
     select 'bench-attr-${tag}-' || g, 'email_click', ?::timestamp - make_interval(secs => ((g::bigint * 7919) % 31536000)::float8), ?, ?, ?
     from generate_series(1, ?) g`,
    [now, now, now, now, n]
  );
  // 40 % of the customers: ids whose hash (g * 48271 mod customers) falls in the first 40 %.
  const customerOf = `(((split_part(i.document_id, '-', 4)::bigint * 48271) % ${Math.floor(customers * 0.4)}) + 1)`;
  await knex.raw(
    `insert into interactions_customer_lnk (interaction_id, customer_id, interaction_ord) select i.id, ${customerOf}, 1 from interactions i where i.document_id like 'bench-attr-${tag}-%'`
  );
  await knex.raw(
    `insert into interactions_campaign_lnk (interaction_id, campaign_id, interaction_ord) select i.id, ?, 1 from interactions i where i.document_id like 'bench-attr-${tag}-%'`,
    [campaign]
  );
};

export const setUpAttribution = async (knex: Knex, now: Date, customers: number) => {
  await cleanupAttribution(knex);
  for (const id of [CAMPAIGN, OTHER])
    await knex(HOST_TABLES.campaigns).insert({
      id,
      document_id: `bench-attr-${id}`,
      name: `bench attribution ${id}`,
      budget: 50_000,
      created_at: now,
      updated_at: now,
      published_at: now,
    });
  const sends = Math.round(TOUCHES * 0.3);
  await interactions(knex, 'x', CAMPAIGN, TOUCHES - sends, customers, now);
  await interactions(knex, 'y', OTHER, 20_000, customers, now);
  await knex(TABLES.automationVersions).insert({ rule_doc: RULE, version: 1, definition: '{}', high_risk: false, created_at: now });
  await knex.raw(
    `insert into ${TABLES.automationLogs} (rule_doc, version, customer_id, step_path, action, channel, status, test, created_at)
     select ?, 1, ((g::bigint * 69621) % ${Math.floor(customers * 0.4)}) + 1, '0', 'email', 'email', 'sent', false, ?::timestamp - make_interval(secs => ((g::bigint * 104729) % 31536000)::float8)
     from generate_series(1, ?) g`,
    [RULE, now, sends]
  );
  for (const table of ['interactions', 'interactions_customer_lnk', 'interactions_campaign_lnk', TABLES.automationLogs]) await knex.raw(`analyze ${table}`);
  return TOUCHES;
};

export const sqlAttribution = (knex: Knex) =>
  attributionFigures(knex, HOST_TABLES, { campaignId: CAMPAIGN, steps, window: WINDOW, halfLife: HALF_LIFE, period: null, segment: null });

/** The naive way: the touched customers' touches (every campaign) and paid orders into Node, each order's path credited there. */
export const naiveAttribution = async (knex: Knex) => {
  const xInteractions = knex('interactions_campaign_lnk as cl')
    .join('interactions_customer_lnk as il', 'il.interaction_id', 'cl.interaction_id')
    .where('cl.campaign_id', CAMPAIGN)
    .select('il.customer_id');
  const xSends = knex(TABLES.automationLogs).where({ rule_doc: RULE, status: 'sent' }).select('customer_id');
  const touched = new Set<number>([...(await xInteractions), ...(await xSends)].map((r: any) => Number(r.customer_id)));
  const ids = [...touched];
  const byCustomer = new Map<number, Array<{ campaign: number; at: number; src: number; ref: number }>>();
  const add = (c: number, t: { campaign: number; at: number; src: number; ref: number }) => (byCustomer.get(c) ?? byCustomer.set(c, []).get(c)!).push(t);
  for (let i = 0; i < ids.length; i += 10_000) {
    const chunk = ids.slice(i, i + 10_000);
    const rows = await knex('interactions as i')
      .join('interactions_customer_lnk as il', 'il.interaction_id', 'i.id')
      .join('interactions_campaign_lnk as cl', 'cl.interaction_id', 'i.id')
      .whereIn('il.customer_id', chunk)
      .select('il.customer_id', 'cl.campaign_id', 'i.occurred_at', 'i.id');
    for (const r of rows as any[])
      add(Number(r.customer_id), { campaign: Number(r.campaign_id), at: new Date(r.occurred_at).getTime(), src: 0, ref: Number(r.id) });
  }
  for (const r of (await knex(TABLES.automationLogs).where({ rule_doc: RULE, status: 'sent' }).select('customer_id', 'created_at', 'id')) as any[])
    add(Number(r.customer_id), { campaign: CAMPAIGN, at: new Date(r.created_at).getTime(), src: 1, ref: Number(r.id) });
  for (const list of byCustomer.values()) list.sort((a, b) => a.at - b.at || a.src - b.src || a.ref - b.ref);
  const credits = Object.fromEntries(MODELS.map((m) => [m, { conversions: 0, revenue: 0, margin: 0 }])) as Record<
    (typeof MODELS)[number],
    { conversions: number; revenue: number; margin: number }
  >;
  let orders = 0;
  for (let i = 0; i < ids.length; i += 10_000) {
    const rows = await knex(TABLES.customerOrders)
      .where('status', 'paid')
      .whereIn('customer_id', ids.slice(i, i + 10_000))
      .select('customer_id', 'ordered_at', 'amount', 'gross_margin');
    for (const o of rows as any[]) {
      const oat = new Date(o.ordered_at).getTime();
      const path = (byCustomer.get(Number(o.customer_id)) ?? []).filter((t) => t.at <= oat && oat - t.at <= WINDOW * DAY);
      if (!path.some((t) => t.campaign === CAMPAIGN)) continue;
      orders += 1;
      const n = path.length;
      const decay = path.map((t) => Math.pow(0.5, (oat - t.at) / DAY / HALF_LIFE));
      const total = decay.reduce((a, b) => a + b, 0);
      const amount = Number(o.amount);
      const margin = o.gross_margin === null ? 0 : Number(o.gross_margin);
      path.forEach((t, k) => {
        if (t.campaign !== CAMPAIGN) return;
        const w = {
          first_touch: k === 0 ? 1 : 0,
          last_touch: k === n - 1 ? 1 : 0,
          linear: 1 / n,
          time_decay: decay[k] / total,
          position: n === 1 ? 1 : n === 2 ? 0.5 : k === 0 || k === n - 1 ? 0.4 : 0.2 / (n - 2),
        };
        for (const m of MODELS) {
          credits[m].conversions += w[m];
          credits[m].revenue += w[m] * amount;
          credits[m].margin += w[m] * margin;
        }
      });
    }
  }
  return { orders, credits };
};

export const sameAttribution = (a: Awaited<ReturnType<typeof sqlAttribution>>, b: Awaited<ReturnType<typeof naiveAttribution>>) =>
  a.conversions.orders === b.orders &&
  MODELS.every(
    (m) =>
      Math.abs(a.credits[m].conversions - b.credits[m].conversions) < 1e-6 * Math.max(1, b.orders) &&
      Math.abs(a.credits[m].revenue - b.credits[m].revenue) < 0.01 * Math.max(1, b.orders)
  );
