/**
 * CSV exports as the person reading them in a spreadsheet needs them: column labels and codes
 * (stage, lead source, quadrant) in their language, dates in their locale and time zone. The
 * language comes from `?locale=` (the admin's codes: en, zh-Hans, zh = Traditional) or else the
 * Accept-Language header, default English; the zone from `?timeZone=` (IANA), default UTC. The
 * labels are the admin's own (admin/src/translations: customer.*, members.*, enum.*).
 */
export const CSV_LOCALES = ['en', 'zh-Hans', 'zh'] as const;
export type CsvLocale = (typeof CSV_LOCALES)[number];
type Labels = Record<CsvLocale, string>;

const L = (en: string, zhHans: string, zh: string): Labels => ({ en, 'zh-Hans': zhHans, zh });

const COLUMN_LABELS: Record<string, Labels> = {
  id: L('ID', 'ID', 'ID'),
  documentId: L('Document ID', '文档 ID', '文件 ID'),
  name: L('Name', '姓名', '姓名'),
  email: L('Email', '邮箱', '電郵'),
  phone: L('Phone', '电话', '電話'),
  region: L('Region', '地区', '地區'),
  stage: L('Stage', '阶段', '階段'),
  leadSource: L('Lead source', '线索来源', '線索來源'),
  createdAt: L('Customer since', '成为客户时间', '成為客戶時間'),
  totalSpent: L('Total spent (CNY)', '累计消费（元）', '累計消費（元）'),
  orderCount: L('Paid orders', '已付订单', '已付訂單'),
  lastOrderAt: L('Last order', '最近订单', '最近訂單'),
  quadrant: L('Value quadrant', '价值象限', '價值象限'),
  r: L('R score', 'R 得分', 'R 得分'),
  f: L('F score', 'F 得分', 'F 得分'),
  m: L('M score', 'M 得分', 'M 得分'),
};

const CODE_LABELS: Record<string, Record<string, Labels>> = {
  stage: {
    consultation: L('Consultation', '咨询', '諮詢'),
    application: L('Application', '申请中', '申請中'),
    signed: L('Signed', '已签约', '已簽約'),
    in_service: L('In service', '服务中', '服務中'),
    churned: L('Churned', '已流失', '已流失'),
  },
  leadSource: {
    website: L('Website', '官网', '官網'),
    referral: L('Referral', '转介绍', '轉介紹'),
    event: L('Event', '活动', '活動'),
    advertising: L('Advertising', '广告', '廣告'),
    partner: L('Partner', '合作伙伴', '合作夥伴'),
    other: L('Other', '其他', '其他'),
  },
  quadrant: {
    high_value: L('High value', '高价值', '高價值'),
    potential: L('Potential', '潜力客户', '潛力客戶'),
    dormant: L('Dormant', '沉睡', '沉睡'),
    churn_risk: L('Churn risk', '流失风险', '流失風險'),
  },
};

/** Columns holding a datetime (ISO text or Date in the rows). */
const DATE_COLUMNS = new Set(['createdAt', 'lastOrderAt']);
/** Dates are written the way each language's spreadsheets read them. */
const INTL_LOCALE: Record<CsvLocale, string> = { en: 'en-US', 'zh-Hans': 'zh-CN', zh: 'zh-TW' };

/** An Accept-Language tag as one of ours: bare `zh` and mainland tags are Simplified, zh-Hant / TW / HK / MO Traditional. */
const fromLanguageTag = (tag: string): CsvLocale | null => {
  const t = tag.trim().toLowerCase();
  if (t === 'en' || t.startsWith('en-')) return 'en';
  if (/^zh-(hant|tw|hk|mo)\b/.test(t)) return 'zh';
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-Hans';
  return null;
};

/** The first language of an Accept-Language header (by q) that we have, else English. */
export const localeFromAcceptLanguage = (header: string | undefined): CsvLocale => {
  const ranked = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((x) => x.tag.trim() && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const locale = fromLanguageTag(tag);
    if (locale) return locale;
  }
  return 'en';
};

export type CsvFormat = { locale: CsvLocale; timeZone: string };
export type CsvFormatError = { path: string; message: string };

const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** `?locale=` and `?timeZone=` of an export request (Accept-Language as the fallback language); errors name the parameter. */
export const csvFormatOf = (query: Record<string, unknown>, acceptLanguage: string | undefined): { format: CsvFormat } | { errors: CsvFormatError[] } => {
  const errors: CsvFormatError[] = [];
  let locale = localeFromAcceptLanguage(acceptLanguage);
  if (query.locale !== undefined) {
    if (typeof query.locale === 'string' && (CSV_LOCALES as readonly string[]).includes(query.locale)) locale = query.locale as CsvLocale;
    else errors.push({ path: '/query/locale', message: `one of ${CSV_LOCALES.join(', ')}` });
  }
  let timeZone = 'UTC';
  if (query.timeZone !== undefined) {
    if (typeof query.timeZone === 'string' && validTimeZone(query.timeZone)) timeZone = query.timeZone;
    else errors.push({ path: '/query/timeZone', message: 'an IANA time zone such as Asia/Shanghai' });
  }
  return errors.length ? { errors } : { format: { locale, timeZone } };
};

/** Header labels and cell values of an export in one language and time zone. */
export const csvFormatter = ({ locale, timeZone }: CsvFormat) => {
  const dates = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return {
    label: (column: string) => COLUMN_LABELS[column]?.[locale] ?? column,
    value: (column: string, value: unknown): unknown => {
      if (value === null || value === undefined) return value;
      if (DATE_COLUMNS.has(column)) {
        const date = value instanceof Date ? value : new Date(String(value));
        // ICU puts thin / narrow no-break spaces in some patterns (zh-TW); spreadsheets parse plain ones.
        return Number.isNaN(date.getTime()) ? value : dates.format(date).replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ');
      }
      const codes = CODE_LABELS[column];
      return codes ? (codes[String(value)]?.[locale] ?? value) : value;
    },
  };
};

export type CsvFormatter = ReturnType<typeof csvFormatter>;
