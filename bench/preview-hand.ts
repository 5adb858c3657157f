/**
 * Rules of each kind of issue 16's table, each with the fastest SQL we could write by hand for its
 * count on the same tables (the product's rollup and activity copies, no new indexes), timed
 * interleaved against the product's preview (count + risk split + sample + total) in one process.
 * The hand SQL only counts: it is the floor the preview's extras are measured against.
 *
 * Windows are `occurred_at > now - days` / paid `ordered_at > now - days` (docs/rules.md); a tag
 * counts while unexpired. Tag ids are read once before timing (the product reads them per preview).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { wholeTableStatement } from '../plugins/client-insights/server/src/core/db/dialect';
import { countQuery } from '../plugins/client-insights/server/src/modules/rules/compile';
import { previewRule } from '../plugins/client-insights/server/src/modules/rules/preview';
import { chooseStrategy } from '../plugins/client-insights/server/src/modules/rules/strategy';
import { fmt, median } from './kit';
import { ROOT } from '../scripts/lib/boot';
import { now as benchNow } from './preview-rules';

const v = (p: string) => ({ var: p });
const DAY = 86_400_000;
const ev = (type: string, days: number) => ({ event_count: [type, days] });
const tag = (slug: string) => ({ has_tag: [slug] });

type Ctx = { now: Date; since: (days: number) => Date; tag: (slug: string) => number };
export type HandRule = { kind: string; name: string; rule: unknown; hand: (c: Ctx) => { sql: string; bindings: unknown[] } };

// Fragments of hand SQL over `c` (customers); `?` bindings in order.
const E = (type: string, days: number, c: Ctx) => ({
  sql: `select customer_id from ci_customer_events where type = ? and occurred_at > ?`,
  b: [type, c.since(days)],
});
const hasEv = (type: string, days: number, c: Ctx, alias = 'c') => ({
  sql: `exists (select 1 from ci_customer_events e where e.customer_id = ${alias}.id and e.type = ? and e.occurred_at > ?)`,
  b: [type, c.since(days)],
});
/** "Any / none of `type` in `days`" from the rollup's last-event column (metrics/last-events.ts), over `m`. */
const lastEv = (type: string, days: number, c: Ctx) => ({ sql: `m.last_${type}_at > ?`, b: [c.since(days)] });
const noLastEv = (type: string, days: number, c: Ctx) => ({ sql: `(m.last_${type}_at is null or m.last_${type}_at <= ?)`, b: [c.since(days)] });
const tagged = (slug: string, c: Ctx, alias = 'c') => ({
  sql: `exists (select 1 from ci_customer_tags t where t.customer_id = ${alias}.id and t.tag_id = ? and (t.expires_at is null or t.expires_at > ?))`,
  b: [c.tag(slug), c.now],
});
const join = (parts: Array<{ sql: string; b: unknown[] }>, sep: string) => ({ sql: parts.map((p) => `(${p.sql})`).join(sep), b: parts.flatMap((p) => p.b) });

export const HAND_RULES: HandRule[] = [
  {
    kind: 'selective',
    name: 'selective: signed/in-service big spenders in 2 cities, recent order, meeting, vip, no churn warning',
    rule: {
      and: [
        { in: [v('customer.stage'), ['signed', 'in_service']] },
        { in: [v('customer.region'), ['北京', '上海']] },
        { '>': [v('metrics.total_spent'), 20000] },
        { '>=': [{ order_count: [365] }, 1] },
        { '>=': [ev('meeting_attended', 180), 1] },
        tag('vip'),
        { '!': [tag('churn-warning')] },
        { or: [{ '==': [v('score.churn_risk'), null] }, { '<': [v('score.churn_risk'), 0.7] }] },
      ],
    },
    hand: (c) => {
      const w = join(
        [
          { sql: `c.stage in ('signed', 'in_service') and c.region in ('北京', '上海')`, b: [] },
          { sql: 'm.total_spent > 20000 and m.last_order_at > ?', b: [c.since(365)] },
          lastEv('meeting_attended', 180, c),
          tagged('vip', c),
          { sql: `not ${tagged('churn-warning', c).sql}`, b: tagged('churn-warning', c).b },
          { sql: 'not exists (select 1 from ci_customer_scores s where s.customer_id = c.id and s.churn_risk >= 0.7)', b: [] },
        ],
        ' and '
      );
      // last_order_at is the last paid order: "a paid order in 365 days" read from the rollup.
      return { sql: `select count(*) from customers c join ci_customer_metrics m on m.customer_id = c.id where ${w.sql}`, bindings: w.b };
    },
  },
  {
    kind: 'selective',
    name: 'selective: non-mainland speakers clicking twice in 180 days, interaction in 90 days, nothing overdue',
    rule: {
      and: [
        { in: [v('customer.language'), ['en', 'zh-HK', 'zh-TW']] },
        { '>=': [ev('email_click', 180), 2] },
        { '<=': [{ days_since: [v('metrics.last_interaction_at')] }, 90] },
        { '!': [tag('payment-overdue')] },
      ],
    },
    hand: (c) => {
      const clicks = E('email_click', 180, c);
      const w = join(
        [
          { sql: `c.language in ('en', 'zh-HK', 'zh-TW')`, b: [] },
          { sql: `not ${tagged('payment-overdue', c).sql}`, b: tagged('payment-overdue', c).b },
        ],
        ' and '
      );
      return {
        sql:
          `select count(*) from customers c join ci_customer_metrics m on m.customer_id = c.id ` +
          `join (${clicks.sql} group by customer_id having count(*) >= 2) k on k.customer_id = c.id ` +
          `where m.last_interaction_at > ? and ${w.sql}`,
        // days_since <= 90 ⇔ last_interaction_at > now - 91 days (whole days, floored).
        bindings: [...clicks.b, c.since(91), ...w.b],
      };
    },
  },
  {
    kind: '25 conditions',
    name: '25 conditions: fields, metrics, windows, tags, scores',
    rule: {
      and: [
        { in: [v('customer.stage'), ['consultation', 'application', 'signed', 'in_service']] },
        { in: [v('customer.region'), ['北京', '上海', '深圳', '广州', '杭州', '成都', '南京']] },
        { in: [v('customer.lead_source'), ['website', 'referral', 'event', 'advertising']] },
        { in: [v('customer.education'), ['bachelor', 'master', 'high_school']] },
        { in: [v('customer.language'), ['zh-CN', 'en']] },
        { '>': [v('customer.created_at'), new Date(benchNow.getTime() - 8 * 365 * DAY).toISOString()] },
        { '!=': [v('customer.target_major'), 'Law'] },
        { '>': [v('metrics.total_spent'), 5000] },
        { '>=': [v('metrics.order_count'), 1] },
        { '==': [v('metrics.overdue_amount'), 0] },
        { '<=': [v('metrics.complaint_count'), 0] },
        { '<=': [{ days_since: [v('metrics.last_interaction_at')] }, 400] },
        { '>=': [{ order_count: [1095] }, 1] },
        { '>=': [{ order_total: [1460] }, 3000] },
        { '>=': [ev('email_open', 365), 1] },
        { '>=': [ev('website_visit', 730), 1] },
        { '>=': [ev('meeting_scheduled', 1095), 1] },
        { '==': [ev('negative_feedback', 730), 0] },
        { '==': [ev('complaint', 730), 0] },
        { '!': [tag('churn-warning')] },
        { '!': [tag('payment-overdue')] },
        { '!': [tag('complaint-risk')] },
        { or: [tag('uk-bound'), tag('us-bound')] },
        { or: [{ '==': [v('score.churn_risk'), null] }, { '<': [v('score.churn_risk'), 0.8] }] },
        { or: [{ '==': [v('score.clv'), null] }, { '>': [v('score.clv'), 0] }] },
      ],
    },
    hand: (c) => {
      const w = join(
        [
          {
            sql:
              `c.stage in ('consultation', 'application', 'signed', 'in_service') and c.region in ('北京', '上海', '深圳', '广州', '杭州', '成都', '南京') ` +
              `and c.lead_source in ('website', 'referral', 'event', 'advertising') and c.education in ('bachelor', 'master', 'high_school') ` +
              `and c.language in ('zh-CN', 'en') and c.created_at > ? and (c.target_major is null or c.target_major <> 'Law')`,
            b: [c.since(8 * 365)],
          },
          // order_count >= 1 and total_spent > 5000 follow from the rollup; a paid order in 1095 days is last_order_at.
          {
            sql: 'm.total_spent > 5000 and m.order_count >= 1 and m.overdue_amount = 0 and m.complaint_count <= 0 and m.last_interaction_at > ? and m.last_order_at > ?',
            b: [c.since(401), c.since(1095)],
          },
          // Probed per candidate: the other conditions leave few (by hand, 1.0 s against 1.5 s grouping every paid order).
          {
            sql: `(select sum(o.amount) from ci_customer_orders o where o.customer_id = c.id and o.status = 'paid' and o.ordered_at > ?) >= 3000`,
            b: [c.since(1460)],
          },
          lastEv('email_open', 365, c),
          lastEv('website_visit', 730, c),
          lastEv('meeting_scheduled', 1095, c),
          noLastEv('negative_feedback', 730, c),
          noLastEv('complaint', 730, c),
          {
            sql: `not exists (select 1 from ci_customer_tags t where t.customer_id = c.id and t.tag_id in (?, ?, ?) and (t.expires_at is null or t.expires_at > ?))`,
            b: [c.tag('churn-warning'), c.tag('payment-overdue'), c.tag('complaint-risk'), c.now],
          },
          {
            sql: `exists (select 1 from ci_customer_tags t where t.customer_id = c.id and t.tag_id in (?, ?) and (t.expires_at is null or t.expires_at > ?))`,
            b: [c.tag('uk-bound'), c.tag('us-bound'), c.now],
          },
          { sql: 'not exists (select 1 from ci_customer_scores s where s.customer_id = c.id and (s.churn_risk >= 0.8 or s.clv <= 0))', b: [] },
        ],
        ' and '
      );
      return { sql: `select count(*) from customers c join ci_customer_metrics m on m.customer_id = c.id where ${w.sql}`, bindings: w.b };
    },
  },
  {
    kind: 'five !',
    name: 'five ! around windows and an or: quiet, no complaints, not recently sold to',
    rule: {
      and: [
        { in: [v('customer.stage'), ['consultation', 'application']] },
        { '!': [{ '>=': [ev('complaint', 365), 1] }] },
        { '!': [{ '>=': [ev('negative_feedback', 365), 1] }] },
        { '!': [{ '>=': [{ order_count: [180] }, 1] }] },
        { '!': [{ '>=': [ev('website_visit', 60), 1] }] },
        { '!': [{ '>=': [ev('email_sent', 30), 2] }] },
        { or: [tag('uk-bound'), { '>=': [ev('event_signup', 365), 1] }] },
      ],
    },
    hand: (c) => {
      const none = (type: string, days: number) => ({ sql: `not ${hasEv(type, days, c).sql}`, b: hasEv(type, days, c).b });
      const w = join(
        [
          { sql: `c.stage in ('consultation', 'application')`, b: [] },
          none('complaint', 365),
          none('negative_feedback', 365),
          { sql: `not exists (select 1 from ci_customer_orders o where o.customer_id = c.id and o.status = 'paid' and o.ordered_at > ?)`, b: [c.since(180)] },
          none('website_visit', 60),
          {
            sql: `c.id not in (select e.customer_id from ci_customer_events e where e.type = 'email_sent' and e.occurred_at > ? group by e.customer_id having count(*) >= 2)`,
            b: [c.since(30)],
          },
          join([tagged('uk-bound', c), hasEv('event_signup', 365, c)], ' or '),
        ],
        ' and '
      );
      return { sql: `select count(*) from customers c where ${w.sql}`, bindings: w.b };
    },
  },
  {
    kind: 'nested and/or',
    name: 'nested and/or, plain conditions inside the or',
    rule: {
      and: [
        { '>=': [ev('email_open', 365), 1] },
        {
          or: [
            { and: [{ '==': [v('customer.stage'), 'signed'] }, { '>=': [{ order_total: [365] }, 10000] }] },
            {
              and: [
                { '==': [v('customer.stage'), 'application'] },
                { in: [v('customer.region'), ['北京', '上海', '深圳']] },
                { '>=': [ev('meeting_attended', 90), 1] },
              ],
            },
            { and: [{ '==': [v('customer.lead_source'), 'referral'] }, { in: [v('customer.stage'), ['consultation', 'in_service']] }, tag('high-potential')] },
          ],
        },
      ],
    },
    hand: (c) => {
      const branch1 = {
        sql: `c.stage = 'signed' and (select sum(o.amount) from ci_customer_orders o where o.customer_id = c.id and o.status = 'paid' and o.ordered_at > ?) >= 10000`,
        b: [c.since(365)],
      };
      const b2 = hasEv('meeting_attended', 90, c);
      const branch2 = { sql: `c.stage = 'application' and c.region in ('北京', '上海', '深圳') and ${b2.sql}`, b: b2.b };
      const b3 = tagged('high-potential', c);
      const branch3 = { sql: `c.lead_source = 'referral' and c.stage in ('consultation', 'in_service') and ${b3.sql}`, b: b3.b };
      // The plain conditions of the branches narrow the candidates first.
      const plain = `((c.stage = 'signed') or (c.stage = 'application' and c.region in ('北京', '上海', '深圳')) or (c.lead_source = 'referral' and c.stage in ('consultation', 'in_service')))`;
      const or = join([branch1, branch2, branch3], ' or ');
      const opened = hasEv('email_open', 365, c);
      return { sql: `select count(*) from customers c where ${plain} and (${or.sql}) and ${opened.sql}`, bindings: [...or.b, ...opened.b] };
    },
  },
  {
    kind: 'seven signals',
    name: 'seven behaviour signals under one or',
    rule: {
      or: [
        { '>=': [ev('website_visit', 60), 1] },
        { '>=': [ev('email_click', 90), 1] },
        { '>=': [ev('form_submitted', 180), 1] },
        { '>=': [ev('event_checkin', 180), 1] },
        { '>=': [ev('meeting_attended', 90), 1] },
        { '>=': [{ order_count: [120] }, 1] },
        tag('active-engager'),
      ],
    },
    hand: (c) => {
      const parts = [
        E('website_visit', 60, c),
        E('email_click', 90, c),
        E('form_submitted', 180, c),
        E('event_checkin', 180, c),
        E('meeting_attended', 90, c),
        { sql: `select customer_id from ci_customer_orders where status = 'paid' and ordered_at > ?`, b: [c.since(120)] },
        { sql: 'select customer_id from ci_customer_tags where tag_id = ? and (expires_at is null or expires_at > ?)', b: [c.tag('active-engager'), c.now] },
      ];
      // One union of the qualifying customers, counted (every id is a customer: the copies follow the links).
      return { sql: `select count(*) from (${parts.map((p) => p.sql).join(' union ')}) u`, bindings: parts.flatMap((p) => p.b) };
    },
  },
  {
    kind: 'broad',
    name: 'broad newsletter audience: not churned, reachable, no complaint, not unresponsive',
    rule: {
      and: [
        { '!=': [v('customer.stage'), 'churned'] },
        { '!': [tag('email-unresponsive')] },
        { '==': [ev('complaint', 365), 0] },
        { '<=': [v('metrics.overdue_amount'), 5000] },
      ],
    },
    hand: (c) => ({
      sql:
        `select count(*) from customers c join ci_customer_metrics m on m.customer_id = c.id ` +
        `where (c.stage is null or c.stage <> 'churned') and m.overdue_amount <= 5000 ` +
        `and not exists (select 1 from ci_customer_tags t where t.customer_id = c.id and t.tag_id = ? and (t.expires_at is null or t.expires_at > ?)) ` +
        `and not exists (select 1 from ci_customer_events e where e.customer_id = c.id and e.type = 'complaint' and e.occurred_at > ?)`,
      bindings: [c.tag('email-unresponsive'), c.now, c.since(365)],
    }),
  },
];

export type HandResult = {
  kind: string;
  name: string;
  count: number;
  handCount: number;
  share: number;
  strategy: string;
  preview: { median: number; runs: number[] };
  /** The product's count alone (strategy choice + compiled rule, no extras): what the planner costs. */
  match: { median: number; runs: number[] };
  hand: { median: number; runs: number[] };
  ratio: number;
  matchRatio: number;
};

const time = async <T>(fn: () => Promise<T>) => {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
};

/** Preview and hand SQL of every rule, alternating run by run (after one warm-up of each). */
export const measureHand = async (knex: Knex, now: Date, runs: number, only?: RegExp): Promise<HandResult[]> => {
  const slugs: Array<{ id: number; slug: string }> = await knex('tags').select('id', 'slug');
  const ctx: Ctx = {
    now,
    since: (days) => new Date(now.getTime() - days * DAY),
    tag: (slug) => {
      const row = slugs.find((t) => t.slug === slug);
      if (!row) throw new Error(`no tag ${slug}`);
      return Number(row.id);
    },
  };
  const results: HandResult[] = [];
  for (const r of HAND_RULES.filter((x) => !only || only.test(x.name))) {
    const { sql, bindings } = r.hand(ctx);
    const hand = async () => Number((await knex.raw(sql, bindings as Knex.RawBinding[])).rows[0].count);
    const preview = () => previewRule(knex, { rule: r.rule, now });
    const match = async () => {
      const choice = await chooseStrategy(knex, r.rule, now);
      const row = await wholeTableStatement(knex, (trx) => countQuery(trx, r.rule, { now, ...choice }).first(), {
        strategy: choice.strategy,
        sortUnion: choice.sortUnion,
      });
      return Number(row?.count ?? 0);
    };
    let p = await preview();
    let m = await match();
    let h = await hand();
    const pt: number[] = [];
    const mt: number[] = [];
    const ht: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const a = await time(preview);
      const b = await time(hand);
      const c = await time(match);
      pt.push(a.ms);
      ht.push(b.ms);
      mt.push(c.ms);
      p = a.value;
      h = b.value;
      m = c.value;
    }
    if (p.count !== h || m !== h) console.warn(`COUNT MISMATCH for "${r.name}": preview ${p.count}, match ${m}, hand SQL ${h}`);
    const result = {
      kind: r.kind,
      name: r.name,
      count: p.count,
      handCount: h,
      share: p.share,
      strategy: p.strategy,
      preview: { median: median(pt), runs: pt },
      match: { median: median(mt), runs: mt },
      hand: { median: median(ht), runs: ht },
      ratio: median(pt) / median(ht),
      matchRatio: median(mt) / median(ht),
    };
    console.log(
      `  ${r.kind}: ${p.count} matches (${(p.share * 100).toFixed(1)}%), preview ${median(pt).toFixed(0)} ms, match ${median(mt).toFixed(0)} ms, hand ${median(ht).toFixed(0)} ms`
    );
    results.push(result);
  }
  return results;
};

/** The side-by-side table, and bench/results/preview-rules.json under the database name. */
export const printHand = (results: HandResult[], database: string, customers: number) => {
  const header = ['kind', 'matches', 'share', 'strategy', 'preview', 'match only', 'hand SQL', 'preview/hand', 'match/hand', 'counts'];
  const rows = results.map((r) => [
    r.kind,
    `${r.count}`,
    `${(r.share * 100).toFixed(1)}%`,
    r.strategy,
    fmt(r.preview.median),
    fmt(r.match.median),
    fmt(r.hand.median),
    `${r.ratio.toFixed(2)}×`,
    `${r.matchRatio.toFixed(2)}×`,
    r.count === r.handCount ? 'equal' : `DIFFER (hand ${r.handCount})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  const load = os.loadavg();
  console.log(`\nrules against hand-written SQL (${database}, ${customers} customers, load ${load.map((l) => l.toFixed(2)).join(' ')}):`);
  console.log(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
  const file = path.join(ROOT, 'bench', 'results', 'preview-rules.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  existing[database] = { generatedAt: new Date().toISOString(), load, cpus: os.cpus().length, customers, results };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)} [${database}]`);
};
