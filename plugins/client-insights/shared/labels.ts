import { LEAD_SOURCES, QUADRANTS, STAGES } from './enums';

/**
 * What a CSV export writes for people: its column labels and the labels of the codes in its cells,
 * in the admin's languages (en, zh-Hans, zh = Traditional). The server's exports
 * (server/src/modules/segments/csv-locale.ts) write them; the admin shows the same words from its
 * translations (customer.*, members.*, enum.*), which labels.test.ts keeps in agreement.
 */
export const LOCALES = ['en', 'zh-Hans', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export type LocalisedText = Record<Locale, string>;

/** A text in the three languages, in the order en, zh-Hans, zh. */
export const L = (en: string, zhHans: string, zh: string): LocalisedText => ({ en, 'zh-Hans': zhHans, zh });

/** The same text in every language: a number, a name, a code with no label. */
export const verbatim = (text: string): LocalisedText => L(text, text, text);

/** Column labels of the customer-list and segment-member exports. */
export const EXPORT_COLUMN_LABELS: Record<string, LocalisedText> = {
  id: L('ID', 'ID', 'ID'),
  documentId: L('Document ID', '文档 ID', '文件 ID'),
  name: L('Name', '姓名', '姓名'),
  email: L('Email', '邮箱', '電郵'),
  phone: L('Phone', '电话', '電話'),
  region: L('Region', '地区', '地區'),
  stage: L('Stage', '阶段', '階段'),
  leadSource: L('Lead source', '线索来源', '線索來源'),
  createdAt: L('Customer since', '成为客户时间', '成為客戶時間'),
  // The export names the currency: a spreadsheet cell has no other place to say it.
  totalSpent: L('Total spent (CNY)', '累计消费（元）', '累計消費（元）'),
  orderCount: L('Paid orders', '已付订单', '已付訂單'),
  lastOrderAt: L('Last order', '最近订单', '最近訂單'),
  quadrant: L('Value quadrant', '价值象限', '價值象限'),
  r: L('R score', 'R 得分', 'R 得分'),
  f: L('F score', 'F 得分', 'F 得分'),
  m: L('M score', 'M 得分', 'M 得分'),
};

/** Labels of the codes an export translates, by column. */
type CodeLabels<Codes extends readonly string[]> = Record<Codes[number], LocalisedText>;

export const EXPORT_CODE_LABELS: Record<string, Record<string, LocalisedText>> = {
  stage: {
    consultation: L('Consultation', '咨询', '諮詢'),
    application: L('Application', '申请中', '申請中'),
    signed: L('Signed', '已签约', '已簽約'),
    in_service: L('In service', '服务中', '服務中'),
    churned: L('Churned', '已流失', '已流失'),
  } satisfies CodeLabels<typeof STAGES>,
  leadSource: {
    website: L('Website', '官网', '官網'),
    referral: L('Referral', '转介绍', '轉介紹'),
    event: L('Event', '活动', '活動'),
    advertising: L('Advertising', '广告', '廣告'),
    partner: L('Partner', '合作伙伴', '合作夥伴'),
    other: L('Other', '其他', '其他'),
  } satisfies CodeLabels<typeof LEAD_SOURCES>,
  quadrant: {
    high_value: L('High value', '高价值', '高價值'),
    potential: L('Potential', '潜力客户', '潛力客戶'),
    dormant: L('Dormant', '沉睡', '沉睡'),
    churn_risk: L('Churn risk', '流失风险', '流失風險'),
  } satisfies CodeLabels<typeof QUADRANTS>,
};

/** Whether `zone` is an IANA time zone this runtime knows (as Intl formats dates in it). */
export const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The label of a code of an export column (stage, quadrant, …), or the code itself when it has none ('—' when empty). */
export const codeLabel = (column: string, code: string | null | undefined): LocalisedText =>
  (code ? EXPORT_CODE_LABELS[column]?.[code] : undefined) ?? verbatim(code ?? '—');
