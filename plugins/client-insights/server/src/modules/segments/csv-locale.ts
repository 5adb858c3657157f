import { DateTime } from 'luxon';
import { EXPORT_CODE_LABELS, EXPORT_COLUMN_LABELS, type Locale } from '../../../../shared/labels';

/**
 * CSV exports as the person reading them in a spreadsheet needs them: column labels and codes
 * (stage, lead source, quadrant) in their language, dates in their locale and time zone. The
 * language comes from `?locale=` (the admin's codes: en, zh-Hans, zh = Traditional) or else the
 * Accept-Language header, default English; the zone from `?timeZone=` (IANA), default UTC; the
 * contract (shared/contracts/http.ts exportQuery) checks both. The labels are shared/labels.ts.
 */

/** Columns holding a datetime (ISO text or Date in the rows). */
const DATE_COLUMNS = new Set(['createdAt', 'lastOrderAt']);
/** Dates are written the way each language's spreadsheets read them. */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', 'zh-Hans': 'zh-CN', zh: 'zh-TW' };

/** An Accept-Language tag as one of ours: bare `zh` and mainland tags are Simplified, zh-Hant / TW / HK / MO Traditional. */
const fromLanguageTag = (tag: string): Locale | null => {
  const t = tag.trim().toLowerCase();
  if (t === 'en' || t.startsWith('en-')) return 'en';
  if (/^zh-(hant|tw|hk|mo)\b/.test(t)) return 'zh';
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-Hans';
  return null;
};

/** The first language of an Accept-Language header (by q) that we have, else English. */
export const localeFromAcceptLanguage = (header: string | undefined): Locale => {
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

export type CsvFormat = { locale: Locale; timeZone: string };

/** An export's language and time zone from its parsed query, Accept-Language as the fallback language. */
export const csvFormatOf = (query: { locale?: Locale; timeZone?: string }, acceptLanguage: string | undefined): CsvFormat => ({
  locale: query.locale ?? localeFromAcceptLanguage(acceptLanguage),
  timeZone: query.timeZone ?? 'UTC',
});

/** A datetime as text in one language and time zone, the way that language's spreadsheets read it. */
export const localDate = ({ locale, timeZone }: CsvFormat) => {
  const dates = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (value: unknown): unknown => {
    const date = value instanceof Date ? value : new Date(String(value));
    // ICU puts thin / narrow no-break spaces in some patterns (zh-TW); spreadsheets parse plain ones.
    return Number.isNaN(date.getTime()) ? value : dates.format(date).replace(/[\u00a0\u2000-\u200b\u202f]/g, ' ');
  };
};

/**
 * A datetime as a spreadsheet date: the wall-clock time in `timeZone` carried as a Date whose UTC
 * fields hold it. Spreadsheets have no time zones, and exceljs turns a Date into Excel's serial
 * number from its UTC fields, so the sheet shows the same day and time as the CSV does.
 */
export const wallClock =
  (timeZone: string) =>
  (value: unknown): Date | null => {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) return null;
    return DateTime.fromJSDate(date).setZone(timeZone).setZone('UTC', { keepLocalTime: true }).toJSDate();
  };

/** Header labels and cell values of an export in one language and time zone. */
export const csvFormatter = (format: CsvFormat) => {
  const date = localDate(format);
  const { locale } = format;
  return {
    label: (column: string) => EXPORT_COLUMN_LABELS[column]?.[locale] ?? column,
    value: (column: string, value: unknown): unknown => {
      if (value === null || value === undefined) return value;
      if (DATE_COLUMNS.has(column)) return date(value);
      const codes = EXPORT_CODE_LABELS[column];
      return codes ? (codes[String(value)]?.[locale] ?? value) : value;
    },
  };
};

export type CsvFormatter = ReturnType<typeof csvFormatter>;
