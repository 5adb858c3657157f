import en from '../admin/src/translations/en.json';
import zh from '../admin/src/translations/zh.json';
import zhHans from '../admin/src/translations/zh-Hans.json';
import { customersApi } from './contracts/customers';
import { exportQuery } from './contracts/http';
import { segmentsApi } from './contracts/segments';
import { LEAD_SOURCES, QUADRANTS, STAGES } from './enums';
import { EXPORT_CODE_LABELS, EXPORT_COLUMN_LABELS, LOCALES, type Locale } from './labels';

const ADMIN: Record<Locale, Record<string, string>> = { en, 'zh-Hans': zhHans, zh };

/** Where the admin names an export column: the customer and member tables' headers. */
const adminKeyOf = (column: string) => [`customer.${column}`, `members.${column}`, `customers.${column}`].find((key) => key in en);

describe('export labels (shared/labels.ts) and the admin translations say the same', () => {
  it('labels every stage, lead source and quadrant code as the admin does (enum.*), in every language', () => {
    expect(Object.keys(EXPORT_CODE_LABELS.stage).sort()).toEqual([...STAGES].sort());
    expect(Object.keys(EXPORT_CODE_LABELS.leadSource).sort()).toEqual([...LEAD_SOURCES].sort());
    expect(Object.keys(EXPORT_CODE_LABELS.quadrant).sort()).toEqual([...QUADRANTS].sort());
    for (const locale of LOCALES) {
      for (const codes of Object.values(EXPORT_CODE_LABELS)) {
        for (const [code, labels] of Object.entries(codes)) expect([locale, code, labels[locale]]).toEqual([locale, code, ADMIN[locale][`enum.${code}`]]);
      }
    }
  });

  it("heads a column the admin's tables also show with the admin's words (an export may add the unit)", () => {
    const shared = Object.keys(EXPORT_COLUMN_LABELS).filter((column) => adminKeyOf(column));
    // The columns both show: a table header and an export column that drifted apart would fail here.
    expect(shared).toEqual(expect.arrayContaining(['id', 'name', 'email', 'phone', 'region', 'stage', 'totalSpent', 'orderCount', 'lastOrderAt', 'quadrant']));
    for (const locale of LOCALES) {
      for (const column of shared) {
        const admin = ADMIN[locale][adminKeyOf(column)!];
        expect([locale, column, EXPORT_COLUMN_LABELS[column][locale].startsWith(admin)]).toEqual([locale, column, true]);
      }
    }
  });

  it('has every label in every language', () => {
    for (const labels of [...Object.values(EXPORT_COLUMN_LABELS), ...Object.values(EXPORT_CODE_LABELS).flatMap((c) => Object.values(c))]) {
      for (const locale of LOCALES) expect(labels[locale]).toMatch(/\S/);
    }
  });

  it('is what every CSV export takes its language and time zone by', () => {
    expect(customersApi.export.query).toBe(exportQuery);
    expect(segmentsApi.exportResult.query).toBe(exportQuery);
  });
});
