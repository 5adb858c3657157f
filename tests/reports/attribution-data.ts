import crypto from 'crypto';
import type { Knex } from 'knex';
import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { insertActivity, type Order } from './dataset';

/**
 * A hand-made attribution dataset: campaigns, touch paths of 1, 2 and 3 touches (interactions
 * linked to a campaign and automation sends of a step tagged with one), paid orders inside and
 * outside the window, and the credit of every model computed here in plain JS from the
 * definitions (docs/api.md), not from the plugin's SQL.
 */
export const DAY = 86_400_000;
export const BASE = Date.UTC(2026, 0, 1);
export const at = (days: number) => BASE + days * DAY;

/** A touch: src 0 an interaction, 1 an automation send; `ref` orders touches at the same instant. */
export type Touch = { customer: number; campaign: string; at: number; src: 0 | 1; ref: number };
export const MODELS = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position'] as const;
type Model = (typeof MODELS)[number];

const docId = () => crypto.randomBytes(12).toString('hex');

export const insertCampaign = async (knex: Knex, name: string, budget: number | null, holdoutPercent = 0, span?: [number, number]) => {
  const doc = docId();
  const now = bindDate(knex, new Date());
  await knex('campaigns').insert({
    document_id: doc,
    name,
    budget,
    holdout_percent: holdoutPercent,
    started_at: span ? bindDate(knex, new Date(span[0])) : null,
    ended_at: span ? bindDate(knex, new Date(span[1])) : null,
    created_at: now,
    updated_at: now,
    published_at: now,
  });
  const row = await knex('campaigns').where({ document_id: doc }).first();
  return { id: Number(row.id), documentId: doc };
};

/** An interaction of customer id `customerId` linked to campaign id `campaignId`; returns its id. */
export const insertTouch = async (knex: Knex, customerId: number, campaignId: number, when: number) => {
  const doc = docId();
  const now = bindDate(knex, new Date(when));
  await knex('interactions').insert({ document_id: doc, type: 'email_click', occurred_at: now, created_at: now, updated_at: now, published_at: now });
  const row = await knex('interactions').where({ document_id: doc }).first();
  await knex('interactions_customer_lnk').insert({ interaction_id: row.id, customer_id: customerId, interaction_ord: 1 });
  await knex('interactions_campaign_lnk').insert({ interaction_id: row.id, campaign_id: campaignId, interaction_ord: 1 });
  return Number(row.id);
};

/** An automation rule version whose step "1" is an email tagged with `campaignId` and "2.then.0" an sms tagged with `otherId`. */
export const insertTaggedRule = async (knex: Knex, ruleDoc: string, campaignId: number, otherId: number, holdoutPercent: number) => {
  const text = { en: 'Hi' };
  const definition = {
    trigger: { type: 'manual' },
    conditions: null,
    steps: [
      { kind: 'wait', duration: { amount: 1, unit: 'days' } },
      { kind: 'action', action: { type: 'email', subject: text, body: text, campaignId } },
      { kind: 'if', rule: { '==': [1, 1] }, then: [{ kind: 'action', action: { type: 'sms', text, campaignId: otherId } }], else: [] },
    ],
    guard: { holdoutPercent },
  };
  await knex('ci_automation_versions').insert({
    rule_doc: ruleDoc,
    version: 1,
    definition: JSON.stringify(definition),
    high_risk: false,
    created_at: bindDate(knex, new Date(BASE)),
  });
};

/** A log row of a step of the rule: returns its id (the touch's ref). */
export const insertSend = async (knex: Knex, ruleDoc: string, stepPath: string, customerId: number, when: number, status = 'sent') => {
  const [row] = await knex('ci_automation_logs')
    .insert({
      rule_doc: ruleDoc,
      version: 1,
      customer_id: customerId,
      step_path: stepPath,
      action: 'email',
      channel: 'email',
      status,
      test: false,
      created_at: bindDate(knex, new Date(when)),
    })
    .returning('id');
  return Number(typeof row === 'object' ? row.id : row);
};

export const insertOccurrence = async (knex: Knex, ruleDoc: string, customerId: number, when: number, state: string) =>
  knex('ci_automation_occurrences').insert({
    rule_doc: ruleDoc,
    version: 1,
    customer_id: customerId,
    trigger_key: `manual:${customerId}:${when}`,
    state,
    test: false,
    fired_at: bindDate(knex, new Date(when)),
  });

/** Customers and their orders through the reports dataset writer (no random activity). */
export const insertCustomers = async (knex: Knex, n: number, orders: Order[]) => insertActivity(knex, { customers: n, orders, interactions: [], segments: [] });

/**
 * Every model's credit of `campaign` over the paid orders, each with its path: the touches of its
 * customer at or before it and at most `window` days before, in time order (ties: interactions
 * first, then by ref). Only paths holding the campaign count.
 */
export const expectedCredits = (touches: Touch[], orders: Order[], campaign: string, window: number, halfLife: number) => {
  const out = Object.fromEntries(MODELS.map((m) => [m, { conversions: 0, revenue: 0, margin: 0 }])) as Record<
    Model,
    { conversions: number; revenue: number; margin: number }
  >;
  let count = 0;
  for (const o of orders.filter((x) => x.paid)) {
    const path = touches
      .filter((t) => t.customer === o.customer && t.at <= o.at && o.at - t.at <= window * DAY)
      .sort((a, b) => a.at - b.at || a.src - b.src || a.ref - b.ref);
    if (!path.some((t) => t.campaign === campaign)) continue;
    count += 1;
    const n = path.length;
    const decay = path.map((t) => Math.pow(2, -(o.at - t.at) / DAY / halfLife));
    const decaySum = decay.reduce((a, b) => a + b, 0);
    path.forEach((t, i) => {
      if (t.campaign !== campaign) return;
      const w: Record<Model, number> = {
        first_touch: i === 0 ? 1 : 0,
        last_touch: i === n - 1 ? 1 : 0,
        linear: 1 / n,
        time_decay: decay[i] / decaySum,
        position: n === 1 ? 1 : n === 2 ? 0.5 : i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2),
      };
      for (const m of MODELS) {
        out[m].conversions += w[m];
        out[m].revenue += w[m] * o.amount;
        out[m].margin += w[m] * (o.margin ?? 0);
      }
    });
  }
  return { credits: out, orders: count };
};

/**
 * Treated − holdout conversion rates with Newcombe's hybrid interval, written from the Wilson
 * bounds' closed form (2x + z² ± z√(z² + 4x(n − x)/n)) / (2(n + z²)).
 */
export const expectedLift = (xt: number, nt: number, xh: number, nh: number) => {
  const z = 1.959963984540054;
  const bounds = (x: number, n: number) => {
    const root = z * Math.sqrt(z * z + (4 * x * (n - x)) / n);
    return [(2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))];
  };
  const [p1, p2] = [xt / nt, xh / nh];
  const [l1, u1] = bounds(xt, nt);
  const [l2, u2] = bounds(xh, nh);
  const d = p1 - p2;
  return { lift: d, ci: [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)] };
};
