import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { AutomationDefinition, EventFilters, Trigger } from '../../../../../shared/contracts/automation-definition';
import { bindDate, readDate } from '../../../core/db/dialect';
import { hostTables, TABLES } from '../../../core/db/tables';
import { referencedFields, referencedSegmentKeys, referencedTagSlugs } from '../../rules/compile';
import { compileEvaluator } from '../../rules/evaluate';
import { loadFacts } from '../../rules/facts';
import type { CustomerFacts } from '../../rules/types';
import { codeLabel, L, LOCALES, verbatim, type LocalisedText } from '../../../../../shared/labels';
import { eventLabels } from '../catalogue';
import { dateTriggerField, isTimeZone } from './time-triggers';
import { automationSettings } from './settings';

/**
 * Test mode, the trigger side: would this rule's trigger match this customer now, and what do its
 * conditions say for them, each with a sentence or the facts it read. Nothing is written. The
 * sentence comes in the admin's three languages (`text`); `explanation` is its English, for the API.
 */
export type TriggerExplanation = { matches: boolean; explanation: string; text: LocalisedText };
export type ConditionExplanation = { pointer: string; text: string; value: boolean; facts: Record<string, unknown> };

const DAY_MS = 86_400_000;
const knexOf = (strapi: Core.Strapi) => strapi.db.connection as unknown as Knex;
const said = (matches: boolean, text: LocalisedText): TriggerExplanation => ({ matches, explanation: text.en, text });
/** Joins the three languages' parts: `join(a, b)` is `a.en + b.en`, `a.zh + b.zh` … */
const join = (...parts: LocalisedText[]): LocalisedText => L(...(LOCALES.map((l) => parts.map((p) => p[l]).join('')) as [string, string, string]));

/** A date for the sentence: ISO in English (the API's), the customer's local time in Chinese. */
const dateText = (d: Date | null, zone: string): LocalisedText => {
  if (!d) return L('never', '从未', '從未');
  const local = DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');
  return L(d.toISOString(), `${local}（${zone}）`, `${local}（${zone}）`);
};
const UNITS = { minutes: L('minutes', '分钟', '分鐘'), hours: L('hours', '小时', '小時'), days: L('days', '天', '天') };
const amountText = (amount: number, unit: keyof typeof UNITS) => join(verbatim(`${amount} `), UNITS[unit]);
/** An event: its code in English (what the API and the logs name), its label in Chinese. */
const eventText = (event: string): LocalisedText => {
  const labels = eventLabels(event);
  return L(event, `“${labels['zh-Hans']}”`, `「${labels.zh}」`);
};
const FILTER_NAMES: Record<keyof EventFilters, LocalisedText> = {
  channel: L('channel', '渠道', '渠道'),
  campaignId: L('campaignId', '活动', '活動'),
  segmentId: L('segmentId', '分群', '分群'),
  tagId: L('tagId', '标签', '標籤'),
  toStage: L('toStage', '新阶段', '新階段'),
};
const filtersText = (filters: EventFilters | undefined): LocalisedText => {
  const entries = Object.entries(filters ?? {}) as Array<[keyof EventFilters, unknown]>;
  if (!entries.length) return verbatim('');
  const part = (l: (typeof LOCALES)[number], sep: string) => entries.map(([k, v]) => `${FILTER_NAMES[k]?.[l] ?? k} ${v}`).join(sep);
  return L(` with ${part('en', ', ')}`, `（${part('zh-Hans', '、')}）`, `（${part('zh', '、')}）`);
};

/** The customer's latest interaction of `type` (filters on channel and campaign), or null. */
const latestInteraction = async (strapi: Core.Strapi, customerId: number, type: string, filters?: EventFilters, before?: Date) => {
  const knex = knexOf(strapi);
  const t = hostTables(strapi);
  const q = knex(`${t.interactions} as i`)
    .join(`${t.interactionCustomer.table} as il`, `il.${t.interactionCustomer.interaction}`, 'i.id')
    .leftJoin(`${t.interactionCampaign.table} as cl`, `cl.${t.interactionCampaign.interaction}`, 'i.id')
    .where(`il.${t.interactionCustomer.customer}`, customerId)
    .where('i.type', type)
    .orderBy('i.occurred_at', 'desc')
    .first('i.occurred_at');
  if (filters?.channel !== undefined) q.where('i.channel', filters.channel);
  if (filters?.campaignId !== undefined) q.where(`cl.${t.interactionCampaign.campaign}`, filters.campaignId);
  if (before) q.where('i.occurred_at', '<=', bindDate(knex, before));
  const row = await q;
  return row ? readDate(row.occurred_at) : null;
};

const explainEvent = async (
  strapi: Core.Strapi,
  trigger: Extract<Trigger, { type: 'event' }>,
  customerId: number,
  zone: string
): Promise<TriggerExplanation> => {
  const knex = knexOf(strapi);
  const ev = eventText(trigger.event);
  const f = filtersText(trigger.filters);
  const on = L(
    `Fires each time ${ev.en}${f.en} happens to the customer`,
    `每当客户发生${ev['zh-Hans']}${f['zh-Hans']}时触发`,
    `每當客戶發生${ev.zh}${f.zh}時觸發`
  );
  const latest = (last: Date | null) =>
    join(on, L('; their latest such event: ', '；其最近一次：', '；其最近一次：'), dateText(last, zone), L('.', '。', '。'));
  if (trigger.event.startsWith('interaction.')) {
    const last = await latestInteraction(strapi, customerId, trigger.event.slice('interaction.'.length), trigger.filters);
    return said(last !== null, latest(last));
  }
  if (trigger.event === 'segment.enter' || trigger.event === 'segment.exit') {
    const q = knex(TABLES.segmentEvents).where({ customer_id: customerId, kind: trigger.event.slice('segment.'.length) });
    if (trigger.filters?.segmentId !== undefined) q.where('segment_id', trigger.filters.segmentId);
    const row = await q.orderBy('id', 'desc').first('occurred_at');
    const last = row ? readDate(row.occurred_at) : null;
    return said(last !== null, latest(last));
  }
  if (trigger.event === 'tag.applied' || trigger.event === 'tag.removed') {
    const q = knex(TABLES.customerTags).where('customer_id', customerId);
    if (trigger.filters?.tagId !== undefined) q.where('tag_id', trigger.filters.tagId);
    const holds = Boolean(await q.first('tag_id'));
    const which = trigger.filters?.tagId !== undefined ? L('the tag', '该标签', '該標籤') : L('a tag', '任何标签', '任何標籤');
    const now = holds
      ? L(`; the customer holds ${which.en} now.`, `；客户目前持有${which['zh-Hans']}。`, `；客戶目前持有${which.zh}。`)
      : L(`; the customer does not hold ${which.en} now.`, `；客户目前未持有${which['zh-Hans']}。`, `；客戶目前未持有${which.zh}。`);
    return said(trigger.event === 'tag.applied' ? holds : !holds, join(on, now));
  }
  if (trigger.event === 'stage.changed') {
    const row = await knex(hostTables(strapi).customers).where('id', customerId).first('stage');
    const matches = trigger.filters?.toStage === undefined || row?.stage === trigger.filters.toStage;
    const stage = codeLabel('stage', row?.stage);
    return said(matches, join(on, L(`; their stage now is ${row?.stage ?? '—'}.`, `；其当前阶段为${stage['zh-Hans']}。`, `；其目前階段為${stage.zh}。`)));
  }
  if (trigger.event === 'order.paid') {
    const facts = await loadFacts(knex, customerId, { now: new Date() });
    const paid = (facts?.orders ?? []).filter((o) => o.status === 'paid').length;
    return said(paid > 0, join(on, L(`; they have ${paid} paid order${paid === 1 ? '' : 's'}.`, `；其已付订单 ${paid} 笔。`, `；其已付訂單 ${paid} 筆。`)));
  }
  if (trigger.event === 'quadrant.changed') {
    // The two latest published runs, as the inbox compares them after a refresh.
    const runs = await knex(TABLES.valueRuns).where('status', 'success').orderBy('id', 'desc').limit(2).select('id');
    const rows = runs.length
      ? await knex(TABLES.valueHistory)
          .where('customer_id', customerId)
          .whereIn(
            'run_id',
            runs.map((r: any) => r.id)
          )
          .select('run_id', 'quadrant')
      : [];
    const quadrantIn = (run: any) => (run ? (rows.find((r: any) => Number(r.run_id) === Number(run.id))?.quadrant ?? null) : null);
    const [now, before] = [quadrantIn(runs[0]), quadrantIn(runs[1])];
    if (runs.length < 2 || now === null || before === null)
      return said(
        false,
        join(
          on,
          L('; the customer is not scored in the two latest value runs.', '；最近两次价值计算中没有该客户的评分。', '；最近兩次價值計算中沒有該客戶的評分。')
        )
      );
    const q = (code: string) => codeLabel('quadrant', code);
    return said(
      now !== before,
      join(
        on,
        L(
          `; their quadrant was ${before} and is ${now} after the latest value run.`,
          `；其象限由${q(before)['zh-Hans']}变为${q(now)['zh-Hans']}（最近一次价值计算后）。`,
          `；其象限由${q(before).zh}變為${q(now).zh}（最近一次價值計算後）。`
        )
      )
    );
  }
  return said(false, join(on, L('; this event is not recorded for customers yet.', '；系统尚未为客户记录此事件。', '；系統尚未為客戶記錄此事件。')));
};

/** Would `definition`'s trigger match `customerId` at `now`, and why (a sentence in each language). */
export const explainTrigger = async (strapi: Core.Strapi, definition: AutomationDefinition, customerId: number, now: Date): Promise<TriggerExplanation> => {
  const knex = knexOf(strapi);
  const trigger = definition.trigger;
  const customer = await knex(hostTables(strapi).customers).where('id', customerId).first('id', 'timezone');
  if (!customer) return said(false, L(`There is no customer ${customerId}.`, `客户 ${customerId} 不存在。`, `客戶 ${customerId} 不存在。`));
  const zone = isTimeZone(customer.timezone) ? (customer.timezone as string) : automationSettings(strapi).defaultTimezone;
  const at = (d: Date | null) => dateText(d, zone);
  switch (trigger.type) {
    case 'event':
      return explainEvent(strapi, trigger, customerId, zone);
    case 'manual':
      return said(
        true,
        L(
          'Fires only when started by hand or through the API; it would run for this customer when started.',
          '仅在手动或通过 API 启动时触发；启动后会对该客户运行。',
          '僅在手動或透過 API 啟動時觸發；啟動後會對該客戶執行。'
        )
      );
    case 'schedule': {
      const member = await knex(`${TABLES.segmentMembers} as m`)
        .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
        .where({ 'm.segment_id': trigger.segmentId, 'm.customer_id': customerId })
        .first('m.customer_id');
      const head = L(
        `Fires on "${trigger.cron}" (${trigger.timezone}) for the members of segment ${trigger.segmentId}; `,
        `按计划“${trigger.cron}”（${trigger.timezone}）对分群 ${trigger.segmentId} 的成员触发；`,
        `按排程「${trigger.cron}」（${trigger.timezone}）對分群 ${trigger.segmentId} 的成員觸發；`
      );
      const tail = member
        ? L('the customer is a member now.', '该客户目前是成员。', '該客戶目前是成員。')
        : L('the customer is not a member now.', '该客户目前不是成员。', '該客戶目前不是成員。');
      return said(Boolean(member), join(head, tail));
    }
    case 'absence': {
      const within = trigger.within.amount * { minutes: 60_000, hours: 3_600_000, days: DAY_MS }[trigger.within.unit];
      const [a, b, span] = [eventText(trigger.event), eventText(trigger.missing), amountText(trigger.within.amount, trigger.within.unit)];
      const head = L(
        `Fires when ${a.en} is not followed by ${b.en} within ${span.en}`,
        `当${a['zh-Hans']}后 ${span['zh-Hans']}内没有${b['zh-Hans']}时触发`,
        `當${a.zh}後 ${span.zh}內沒有${b.zh}時觸發`
      );
      const last = await latestInteraction(strapi, customerId, trigger.event, trigger.filters);
      if (!last) return said(false, join(head, L(`; the customer has no ${a.en}.`, `；该客户没有${a['zh-Hans']}。`, `；該客戶沒有${a.zh}。`)));
      const closesAt = new Date(last.getTime() + within);
      const followed = await latestInteraction(strapi, customerId, trigger.missing, undefined, closesAt);
      const answered = followed !== null && followed > last;
      const closed = closesAt.getTime() <= now.getTime();
      const why = answered
        ? join(L(`${b.en} followed at `, `其后于 `, `其後於 `), at(followed), L('', ` 发生了${b['zh-Hans']}`, ` 發生了${b.zh}`))
        : closed
          ? L('nothing followed and the window has closed', '其后没有发生，时间窗口已结束', '其後沒有發生，時間窗口已結束')
          : join(L('the window closes at ', '时间窗口于 ', '時間窗口於 '), at(closesAt), L('', ' 结束', ' 結束'));
      return said(
        !answered && closed,
        join(
          head,
          L(`; their latest ${a.en} was at `, `；其最近一次${a['zh-Hans']}在 `, `；其最近一次${a.zh}在 `),
          at(last),
          L(': ', '：', '：'),
          why,
          L('.', '。', '。')
        )
      );
    }
    case 'inactivity': {
      const q = knex(TABLES.customerEvents).where('customer_id', customerId).max({ last: 'occurred_at' });
      if (trigger.event) q.where('type', trigger.event);
      const last = readDate((await q.first())?.last ?? null);
      const days = last ? Math.floor((now.getTime() - last.getTime()) / DAY_MS) : null;
      const what = trigger.event ? eventText(trigger.event) : L('interaction', '互动', '互動');
      const head = L(
        `Fires after ${trigger.days} days without ${what.en}`,
        `连续 ${trigger.days} 天没有${what['zh-Hans']}后触发`,
        `連續 ${trigger.days} 天沒有${what.zh}後觸發`
      );
      if (days === null)
        return said(
          false,
          join(
            head,
            L('; the customer has none yet, so there is no quiet spell to count.', '；该客户尚无此记录，无从计算间隔。', '；該客戶尚無此記錄，無從計算間隔。')
          )
        );
      return said(
        days >= trigger.days,
        join(head, L(`; the last was ${days} days ago (`, `；最近一次在 ${days} 天前（`, `；最近一次在 ${days} 天前（`), at(last), L(').', '）。', '）。'))
      );
    }
    case 'date': {
      const field = dateTriggerField(trigger.field);
      if (!field)
        return said(
          false,
          L(
            `${trigger.field} is not a date field the trigger can read.`,
            `${trigger.field} 不是触发器可读取的日期字段。`,
            `${trigger.field} 不是觸發器可讀取的日期欄位。`
          )
        );
      const row = await knex(`${hostTables(strapi).customers} as c`)
        .leftJoin(`${TABLES.metrics} as m`, 'm.customer_id', 'c.id')
        .where('c.id', customerId)
        .first({ value: field.column });
      const value = readDate(row?.value ?? null);
      const n = Math.abs(trigger.days);
      const before = trigger.days < 0;
      const when = L(
        `Fires ${n} days ${before ? 'before' : 'after'} ${trigger.field} at ${trigger.at} (${zone})`,
        `在“${field.labels['zh-Hans']}”的${before ? '前' : '后'} ${n} 天 ${trigger.at}（${zone}）触发`,
        `在「${field.labels.zh}」的${before ? '前' : '後'} ${n} 天 ${trigger.at}（${zone}）觸發`
      );
      if (!value)
        return said(
          false,
          join(when, L(`; the customer has no ${trigger.field}.`, `；该客户没有“${field.labels['zh-Hans']}”。`, `；該客戶沒有「${field.labels.zh}」。`))
        );
      const fireDay = DateTime.fromJSDate(value, { zone }).startOf('day').plus({ days: trigger.days }).toISODate()!;
      const matches = fireDay === DateTime.fromJSDate(now, { zone }).toISODate();
      return said(
        matches,
        join(
          when,
          L(`; ${trigger.field} is `, `；${trigger.field} 为 `, `；${trigger.field} 為 `),
          at(value),
          L(`, so it fires on ${fireDay}.`, `，因此在 ${fireDay} 触发。`, `，因此在 ${fireDay} 觸發。`)
        )
      );
    }
  }
};

/** The facts a piece of a rule reads, from one customer's facts. */
const factsRead = (rule: unknown, facts: CustomerFacts): Record<string, unknown> => {
  const read: Record<string, unknown> = {};
  for (const path of referencedFields(rule)) {
    const [group, name] = [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)];
    const value = (facts as unknown as Record<string, Record<string, unknown>>)[group]?.[name];
    read[path] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  for (const slug of referencedTagSlugs(rule)) read[`tag:${slug}`] = facts.tags.includes(slug);
  for (const key of referencedSegmentKeys(rule)) read[`segment:${key}`] = facts.segments.includes(key);
  const text = JSON.stringify(rule);
  if (text.includes('"event_count"')) read.events = facts.events.length;
  if (/"order_(count|total)"/.test(text)) read.orders = facts.orders.length;
  return read;
};

/** The top-level parts of a rule (the arguments of a top-level and/or), each with its JSON pointer. */
const partsOf = (rule: unknown): Array<{ pointer: string; rule: unknown }> => {
  if (rule && typeof rule === 'object' && !Array.isArray(rule)) {
    const [op, args] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
    if ((op === 'and' || op === 'or') && Array.isArray(args)) return args.map((arg, i) => ({ pointer: `/${op}/${i}`, rule: arg }));
  }
  return [{ pointer: '', rule }];
};

/**
 * The conditions' value for one customer, and each top-level part's value with the facts it read.
 * No conditions: they pass. A missing customer: they do not, with no parts.
 */
export const explainConditions = async (
  strapi: Core.Strapi,
  conditions: unknown,
  customerId: number,
  now: Date
): Promise<{ pass: boolean; conditions: ConditionExplanation[] }> => {
  if (conditions === null || conditions === undefined) return { pass: true, conditions: [] };
  const facts = await loadFacts(knexOf(strapi), customerId, { now });
  if (!facts) return { pass: false, conditions: [] };
  const pass = compileEvaluator(conditions)(facts, { now });
  const parts = partsOf(conditions).map(({ pointer, rule }) => ({
    pointer,
    text: JSON.stringify(rule),
    value: compileEvaluator(rule)(facts, { now }),
    facts: factsRead(rule, facts),
  }));
  return { pass, conditions: parts };
};
