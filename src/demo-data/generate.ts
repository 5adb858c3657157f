import { createRandom, type Random } from './random';
import { DEGREE_BY_EDUCATION, DESTINATIONS, EMAIL_DOMAINS, GIVEN_NAMES, MAJORS, REGIONS, SURNAMES } from './vocabulary';

/**
 * Deterministic demo data: the same seed and anchor give the same rows, batch after batch.
 * Rows carry explicit ids (continuing from `firstIds`) so links can be written without lookups.
 */
export type GenerateOptions = {
  customers: number;
  seed: string | number;
  /** "Now" of the data set: journeys end here. Fixing it makes two runs identical. */
  anchor: Date;
  batchSize?: number;
  firstIds?: { customer: number; order: number; interaction: number };
  ownerIds?: number[];
  campaigns: Array<{ id: number; channel: string; month: number }>;
  tagIds: Record<string, number>;
};

export type CustomerRow = {
  id: number;
  document_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  region: string | null;
  language: string | null;
  education: string | null;
  target_major: string | null;
  program: string | null;
  stage: string;
  lead_source: string | null;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date;
};
export type OrderRow = {
  id: number;
  document_id: string;
  amount: number;
  gross_margin: number;
  currency: string;
  kind: string;
  payment_status: string;
  ordered_at: Date;
  contract_end_at: Date | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date;
};
export type InteractionRow = {
  id: number;
  document_id: string;
  type: string;
  occurred_at: Date;
  channel: string;
  properties: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date;
};
export type TagAssignmentRow = {
  customer_id: number;
  tag_id: number;
  source: string;
  confidence: number | null;
  created_at: Date;
  expires_at: Date | null;
};

export type Batch = {
  customers: CustomerRow[];
  orders: OrderRow[];
  /** [order_id, customer_id, order_ord] */
  orderLinks: Array<[number, number, number]>;
  interactions: InteractionRow[];
  /** [interaction_id, customer_id, interaction_ord] */
  interactionLinks: Array<[number, number, number]>;
  /** [interaction_id, campaign_id, interaction_ord] */
  campaignLinks: Array<[number, number, number]>;
  /** [customer_id, referrer_id]: customer_id was referred by referrer_id */
  referrerLinks: Array<[number, number]>;
  /** [customer_id, family_member_id], written in both directions */
  familyLinks: Array<[number, number]>;
  /** [customer_id, admin_user_id] */
  ownerLinks: Array<[number, number]>;
  tagAssignments: TagAssignmentRow[];
};

const DAY = 86_400_000;
const STAGES = { consultation: 33, application: 20, signed: 15, in_service: 22, churned: 10 } as const;
const EDUCATION = { high_school: 30, bachelor: 45, master: 15, doctorate: 3, other: 4 } as const;
const LEAD_SOURCES = { website: 25, referral: 15, event: 20, advertising: 20, partner: 12, other: 5 } as const;
/** Study-abroad seasonality: applications peak in autumn, a second wave in spring. */
const MONTH_WEIGHT = [0.6, 0.5, 0.9, 1.0, 0.8, 0.7, 0.8, 0.9, 1.3, 1.5, 1.4, 1.0];
const NOTES = ['家长非常关注排名', '希望申请奖学金', '预算有限，关注性价比', '已有雅思成绩 7.0', '对英国一年制硕士感兴趣', '需要签证辅导', '推荐人为老客户'];
const INTERACTIONS_BY_STAGE: Record<string, [number, number]> = {
  consultation: [2, 6],
  application: [4, 10],
  signed: [5, 12],
  in_service: [6, 16],
  churned: [3, 9],
};

const seasonalTime = (rnd: Random, from: number, to: number): number => {
  if (to <= from) return from;
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const t = from + rnd.float() * (to - from);
    if (rnd.float() * 1.5 < MONTH_WEIGHT[new Date(t).getUTCMonth()]) return t;
  }
  return from + rnd.float() * (to - from);
};

const roundTo = (value: number, step: number) => Math.round(value / step) * step;

/**
 * Repeat purchases follow the BG/NBD story the churn model assumes: while active, a client buys
 * at a rate of their own (λ ~ Gamma, one purchase per PURCHASE_DAYS on average), and after each
 * repeat purchase stops for good with a probability of their own (p ~ Beta(DROPOUT)). Some clients
 * renew year after year, others stop after two or three orders, at random times; the models see both.
 */
const PURCHASE_SHAPE = 2.5;
const PURCHASE_DAYS = 300;
const DROPOUT = { a: 1.4, b: 2.6 };
/** Two purchases of one client are at least this far apart (one service cycle's paperwork). */
const MIN_GAP_DAYS = 21;
const MAX_ORDERS = 12;

export function* generateBatches(options: GenerateOptions): Generator<Batch> {
  const rnd = createRandom(options.seed);
  const batchSize = options.batchSize ?? 5000;
  const anchor = options.anchor.getTime();
  const ids = { ...(options.firstIds ?? { customer: 1, order: 1, interaction: 1 }) };
  const firstCustomerId = ids.customer;
  const regionWeights = Object.fromEntries(Object.entries(REGIONS).map(([k, v]) => [k, v.weight])) as Record<string, number>;
  const destinationWeights = Object.fromEntries(DESTINATIONS) as Record<string, number>;
  const byChannel = (channel: string) => options.campaigns.filter((c) => c.channel === channel);
  const emailCampaigns = byChannel('email').concat(byChannel('wechat'), byChannel('sms'));
  const eventCampaigns = byChannel('event');
  const tag = (slug: string) => options.tagIds[slug];

  let remaining = options.customers;
  while (remaining > 0) {
    const size = Math.min(batchSize, remaining);
    remaining -= size;
    const batch: Batch = {
      customers: [],
      orders: [],
      orderLinks: [],
      interactions: [],
      interactionLinks: [],
      campaignLinks: [],
      referrerLinks: [],
      familyLinks: [],
      ownerLinks: [],
      tagAssignments: [],
    };

    for (let n = 0; n < size; n += 1) {
      const id = ids.customer++;
      const stage = rnd.weighted(STAGES);
      const region = rnd.chance(0.97) ? rnd.weighted(regionWeights) : null;
      const traditional = region ? rnd.chance(REGIONS[region].traditional) : false;
      const [surname, surnamePinyin] = rnd.pick(SURNAMES);
      const [given, givenPinyin] = rnd.pick(GIVEN_NAMES);
      const education = rnd.chance(0.97) ? rnd.weighted(EDUCATION) : null;
      const major = rnd.chance(0.92) ? rnd.pick(MAJORS) : null;
      const destination = rnd.weighted(destinationWeights);
      const leadSource = rnd.chance(0.97) ? rnd.weighted(LEAD_SOURCES) : null;
      const createdAt = seasonalTime(rnd, anchor - 3 * 365 * DAY, anchor - DAY);
      const phonePrefix = region === '香港' ? '+852 ' : region === '台北' ? '+886 ' : region === '澳门' ? '+853 ' : '+86 1';
      const journeyEnd = stage === 'churned' ? Math.min(anchor, createdAt + rnd.int(90, 540) * DAY) : anchor;

      batch.customers.push({
        id,
        document_id: rnd.documentId(),
        name: surname + given,
        email: rnd.chance(0.85) ? `${givenPinyin}.${surnamePinyin}${rnd.int(1, 9999)}@${rnd.pick(EMAIL_DOMAINS)}` : null,
        phone: rnd.chance(0.9) ? `${phonePrefix}${String(rnd.int(0, 9999999999)).padStart(10, '0')}` : null,
        region,
        language: traditional ? (region === '台北' ? 'zh-TW' : 'zh-HK') : rnd.chance(0.88) ? 'zh-CN' : 'en',
        education,
        target_major: major,
        program: major && rnd.chance(0.85) ? `${DEGREE_BY_EDUCATION[education ?? 'other']} ${major} (${destination})` : null,
        stage,
        lead_source: leadSource,
        notes: rnd.chance(0.2) ? rnd.pick(NOTES) : null,
        created_at: new Date(createdAt),
        updated_at: new Date(createdAt),
        published_at: new Date(createdAt),
      });
      if (options.ownerIds?.length && rnd.chance(0.9)) batch.ownerLinks.push([id, rnd.pick(options.ownerIds)]);

      // Referrals and family point to customers generated earlier, so links never dangle.
      const earlier = id - firstCustomerId;
      let referrer: number | null = null;
      if (earlier > 0 && (leadSource === 'referral' ? rnd.chance(0.85) : rnd.chance(0.03))) {
        referrer = firstCustomerId + rnd.int(0, earlier - 1);
        batch.referrerLinks.push([id, referrer]);
      }
      if (earlier > 0 && rnd.chance(0.05)) {
        const relative = firstCustomerId + rnd.int(0, earlier - 1);
        batch.familyLinks.push([id, relative], [relative, id]);
      }

      // Orders: what a client at this stage has bought, amounts skewed (log-normal) in CNY.
      let paidTotal = 0;
      let overdue = false;
      let repeat = false;
      // Consultations rarely buy (a small assessment), applications once; clients further on
      // follow the purchase-and-dropout process up to MAX_ORDERS.
      const repeats = stage !== 'consultation' && stage !== 'application';
      const orderCount = stage === 'consultation' ? (rnd.chance(0.1) ? 1 : 0) : repeats ? MAX_ORDERS : 1;
      const meanGapDays = repeats ? PURCHASE_DAYS / (rnd.gamma(PURCHASE_SHAPE) / PURCHASE_SHAPE) : 0;
      const dropout = repeats ? rnd.beta(DROPOUT.a, DROPOUT.b) : 1;
      let orderTime = createdAt + rnd.int(3, 60) * DAY;
      for (let k = 0; k < orderCount && orderTime < journeyEnd; k += 1) {
        const kind = k === 0 ? 'new' : rnd.chance(0.7) ? 'renewal' : 'upsell';
        const base = stage === 'consultation' ? rnd.int(2000, 5000) : rnd.logNormal(Math.log(kind === 'new' ? 42000 : 26000), 0.65);
        const amount = roundTo(Math.min(800000, Math.max(2000, base)), 100);
        const recent = anchor - orderTime < 30 * DAY;
        let status = 'paid';
        if (stage === 'application' && rnd.chance(0.25)) status = 'pending';
        else if (recent && rnd.chance(0.2)) status = 'pending';
        else if (rnd.chance(stage === 'in_service' ? 0.08 : 0.04)) status = 'overdue';
        else if (stage === 'churned' && rnd.chance(0.15)) status = 'refunded';
        if (status === 'paid') paidTotal += amount;
        if (status === 'overdue') overdue = true;
        if (status === 'paid' && k > 0) repeat = true;
        const months = kind === 'upsell' ? 6 : rnd.int(10, 24);
        const orderId = ids.order++;
        batch.orders.push({
          id: orderId,
          document_id: rnd.documentId(),
          amount,
          gross_margin: roundTo(amount * (0.25 + rnd.float() * 0.3), 10),
          currency: 'CNY',
          kind,
          payment_status: status,
          ordered_at: new Date(orderTime),
          contract_end_at: stage === 'consultation' ? null : new Date(orderTime + months * 30 * DAY),
          created_at: new Date(orderTime),
          updated_at: new Date(orderTime),
          published_at: new Date(orderTime),
        });
        batch.orderLinks.push([orderId, id, k + 1]);
        // As in the model, a client may drop out after each repeat purchase.
        if (k > 0 && rnd.chance(dropout)) break;
        orderTime += Math.max(MIN_GAP_DAYS, Math.round(rnd.exponential(meanGapDays))) * DAY;
      }

      // Interactions: episodes (email → open → click, signup → check-in, scheduled → attended, ...).
      const [minEvents, maxEvents] = INTERACTIONS_BY_STAGE[stage];
      const wanted = rnd.int(minEvents, maxEvents);
      const happened: Array<{ type: string; at: number; channel: string; campaign?: number; properties?: string }> = [];
      const add = (type: string, at: number, channel: string, campaign?: number, properties?: string) => {
        if (at <= journeyEnd && at <= anchor) happened.push({ type, at, channel, campaign, properties });
      };
      while (happened.length < wanted) {
        const at = seasonalTime(rnd, createdAt, journeyEnd);
        const episode = rnd.weighted({ email: 30, event: 12, meeting: 18, web: 20, follow_up: 15, form: 5 });
        if (episode === 'email') {
          const campaign = emailCampaigns.length && rnd.chance(0.5) ? rnd.pick(emailCampaigns).id : undefined;
          add('email_sent', at, 'email', campaign);
          if (rnd.chance(0.45)) {
            add('email_open', at + rnd.int(1, 48) * 3_600_000, 'email', campaign);
            if (rnd.chance(0.35)) add('email_click', at + rnd.int(49, 72) * 3_600_000, 'email', campaign);
          }
        } else if (episode === 'event') {
          const campaign = eventCampaigns.length && rnd.chance(0.7) ? rnd.pick(eventCampaigns).id : undefined;
          add('event_signup', at, 'event', campaign);
          if (rnd.chance(0.65)) add('event_checkin', at + rnd.int(2, 14) * DAY, 'event', campaign);
        } else if (episode === 'meeting') {
          const channel = rnd.pick(['offline', 'video', 'wechat']);
          add('meeting_scheduled', at, channel);
          if (rnd.chance(0.8)) add('meeting_attended', at + rnd.int(2, 7) * DAY, channel);
        } else if (episode === 'web') {
          add('website_visit', at, 'web', undefined, JSON.stringify({ page: `/programs/${destination.toLowerCase().replace(' ', '-')}` }));
        } else if (episode === 'form') {
          add('form_submitted', at, 'web', undefined, JSON.stringify({ form: 'assessment' }));
        } else {
          add('follow_up', at, rnd.pick(['phone', 'wechat']));
        }
        if (happened.length === 0 && journeyEnd - createdAt < DAY) break;
      }
      const complaintChance = stage === 'churned' ? 0.25 : stage === 'in_service' ? 0.04 : 0.01;
      let complaintAt: number | null = null;
      if (rnd.chance(complaintChance)) {
        complaintAt = seasonalTime(rnd, createdAt, journeyEnd);
        add(
          'complaint',
          complaintAt,
          rnd.pick(['phone', 'wechat', 'email']),
          undefined,
          JSON.stringify({ topic: rnd.pick(['visa delay', 'response time', 'fees', 'document errors']) })
        );
        if (rnd.chance(0.5)) add('negative_feedback', complaintAt + rnd.int(1, 10) * DAY, 'survey');
      }
      if (referrer !== null) {
        // The referrer's side of the story: an interaction on the referrer's own journey.
        const at = createdAt - rnd.int(0, 5) * DAY;
        const interactionId = ids.interaction++;
        batch.interactions.push({
          id: interactionId,
          document_id: rnd.documentId(),
          type: 'referral',
          occurred_at: new Date(at),
          channel: 'wechat',
          properties: JSON.stringify({ referred_customer: id }),
          created_at: new Date(at),
          updated_at: new Date(at),
          published_at: new Date(at),
        });
        batch.interactionLinks.push([interactionId, referrer, 0]);
      }
      happened.sort((a, b) => a.at - b.at);
      happened.forEach((event, index) => {
        const interactionId = ids.interaction++;
        const at = new Date(Math.round(event.at));
        batch.interactions.push({
          id: interactionId,
          document_id: rnd.documentId(),
          type: event.type,
          occurred_at: at,
          channel: event.channel,
          properties: event.properties ?? null,
          created_at: at,
          updated_at: at,
          published_at: at,
        });
        batch.interactionLinks.push([interactionId, id, index + 1]);
        if (event.campaign !== undefined) batch.campaignLinks.push([interactionId, event.campaign, 1]);
      });

      // Tags, derived from what was generated, with the source each would have in real life.
      const assign = (slug: string, source: string, at: number, confidence: number | null = null, expiresAt: number | null = null) => {
        if (tag(slug) !== undefined) {
          batch.tagAssignments.push({
            customer_id: id,
            tag_id: tag(slug),
            source,
            confidence,
            created_at: new Date(at),
            expires_at: expiresAt === null ? null : new Date(expiresAt),
          });
        }
      };
      if (education === 'high_school') assign('undergraduate-applicant', 'import', createdAt);
      if (education === 'bachelor' || education === 'master') assign('postgraduate-applicant', 'import', createdAt);
      if (destination === 'UK') assign('uk-bound', 'import', createdAt);
      if (destination === 'US') assign('us-bound', 'import', createdAt);
      const count = (type: string) => happened.filter((e) => e.type === type).length;
      const lastAt = happened.length ? happened[happened.length - 1].at : createdAt;
      if (count('event_checkin') > 0) assign('event-attendee', 'rule', lastAt, 1);
      if (happened.filter((e) => e.at > anchor - 90 * DAY).length >= 4) assign('active-engager', 'rule', lastAt, 1);
      if (count('email_sent') >= 3 && count('email_open') === 0) assign('email-unresponsive', 'rule', lastAt, 0.9);
      if (paidTotal > 100000) assign('vip', 'rule', lastAt, 1);
      if (repeat) assign('repeat-buyer', 'rule', lastAt, 1);
      if ((stage === 'consultation' || stage === 'application') && count('meeting_attended') > 0) {
        assign('high-potential', 'manual', lastAt, Math.round((0.7 + rnd.float() * 0.25) * 100) / 100);
      }
      if (overdue) assign('payment-overdue', 'rule', lastAt, 1);
      if (complaintAt !== null) assign('complaint-risk', 'manual', complaintAt, null, complaintAt + 180 * DAY);
      if (stage === 'in_service' && anchor - lastAt > 120 * DAY) {
        assign('churn-warning', 'rule', anchor - DAY, Math.round((0.6 + rnd.float() * 0.3) * 100) / 100);
      }
    }
    yield batch;
  }
}
