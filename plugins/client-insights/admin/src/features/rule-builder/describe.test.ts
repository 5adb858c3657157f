import { createIntl } from 'react-intl';
import { catalogue } from '../../../../server/src/modules/rules/catalogue';
import en from '../../translations/en.json';
import zhHans from '../../translations/zh-Hans.json';
import { describeRule, sentencesText, type RuleWords } from './describe';

const wordsFor = (locale: 'en' | 'zh-Hans'): RuleWords => {
  const messages: Record<string, string> = locale === 'en' ? en : zhHans;
  const intl = createIntl({ locale, messages });
  return {
    locale,
    message: (key, values) => (key in messages ? intl.formatMessage({ id: key }, values) : undefined),
    fields: catalogue().fields,
    tagName: (slug) => ({ vip: 'VIP 客户' })[slug],
    segmentName: (key) => ({ 'high-value': locale === 'en' ? 'High value' : '高价值' })[key],
  };
};
const say = (rule: unknown, locale: 'en' | 'zh-Hans' = 'en') => {
  const sentences = describeRule(rule, wordsFor(locale));
  return sentences && sentencesText(sentences);
};

const spent = { '>=': [{ var: 'metrics.total_spent' }, 100000] };
const stage = { '==': [{ var: 'customer.stage' }, 'signed'] };

describe('describeRule', () => {
  it('writes a top-level AND as one sentence a line, with the catalogue labels, enum labels and grouped numbers', () => {
    expect(say({ and: [spent, stage] })).toBe('Total spent is at least 100,000\nStage is Signed');
    expect(say({ and: [spent, stage] }, 'zh-Hans')).toBe('累计消费至少为 100,000\n阶段为 已签约');
  });

  it('nests OR and AND groups under headings, and negates conditions and groups', () => {
    const rule = {
      and: [
        { '!': [stage] },
        { or: [spent, { and: [{ has_tag: ['vip'] }, { in_segment: ['high-value'] }] }] },
        { '!': [{ or: [{ '==': [{ var: 'customer.region' }, '上海'] }, { in: [{ var: 'customer.stage' }, ['churned', 'in_service']] }] }] },
        { '!': [{ and: [spent, stage] }] },
      ],
    };
    expect(say(rule)).toBe(
      [
        'Not: Stage is Signed',
        'At least one of these is true:',
        '  Total spent is at least 100,000',
        '  All of these are true:',
        '    Has the tag “VIP 客户”',
        '    Is in the segment “High value”',
        'None of these is true:',
        '  Region / city is “上海”',
        '  Stage is one of Churned, In service',
        'Not all of these are true:',
        '  Total spent is at least 100,000',
        '  Stage is Signed',
      ].join('\n')
    );
    expect(say(rule, 'zh-Hans')).toBe(
      [
        '并非：阶段为 已签约',
        '以下条件至少满足一项：',
        '  累计消费至少为 100,000',
        '  以下条件全部满足：',
        '    带有标签“VIP 客户”',
        '    属于分群“高价值”',
        '以下条件均不满足：',
        '  地区 / 城市为 “上海”',
        '  阶段为以下之一：已流失、服务中',
        '以下条件并非全部满足：',
        '  累计消费至少为 100,000',
        '  阶段为 已签约',
      ].join('\n')
    );
  });

  it('says a top-level OR as its heading, and a single condition as one sentence', () => {
    expect(say({ or: [spent, stage] })).toBe('At least one of these is true:\n  Total spent is at least 100,000\n  Stage is Signed');
    expect(say(stage)).toBe('Stage is Signed');
  });

  it('names windows: behaviour counts in the last N days or ever, and "last N days" on dates', () => {
    expect(say({ '>=': [{ event_count: ['email_open', 30] }, 3] })).toBe('Number of “Email opened” interactions in the last 30 days is at least 3');
    expect(say({ '>=': [{ event_count: ['email_open', 30] }, 3] }, 'zh-Hans')).toBe('最近 30 天“邮件已打开”互动次数至少为 3');
    expect(say({ '>': [{ order_count: [null] }, 1] })).toBe('Paid orders ever is more than 1');
    expect(say({ '<=': [10000, { order_total: [365] }, 50000] })).toBe('Amount paid in the last 365 days is between 10,000 and 50,000');
    expect(say({ '<=': [10000, { order_total: [365] }, 50000] }, 'zh-Hans')).toBe('最近 365 天已付金额介于 10,000 与 50,000 之间（含两端）');
    expect(say({ '<': [{ days_since: [{ var: 'metrics.last_order_at' }] }, 90] })).toBe('Last paid order was within the last 90 days');
    expect(say({ '>=': [{ days_since: [{ var: 'metrics.last_order_at' }] }, 180] }, 'zh-Hans')).toBe('最近付费订单在 180 天或更早以前');
  });

  it('shows codes it cannot name as they are, and answers null for a rule the builder cannot show', () => {
    expect(say({ has_tag: ['unknown-tag'] })).toBe('Has the tag “unknown-tag”');
    expect(say({ in_segment: ['gone'] }, 'zh-Hans')).toBe('属于分群“gone”');
    expect(say({ '+': [1, 2] })).toBeNull();
  });
});
