import { exportQuery } from '../../../../shared/contracts/http';
import { zodErrors } from '../../core/http/errors';
import { csvFormatOf, csvFormatter, localeFromAcceptLanguage } from './csv-locale';

describe('csv locale', () => {
  it('takes the first language of Accept-Language that exports have, by q', () => {
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
    expect(localeFromAcceptLanguage('*')).toBe('en');
    expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-Hans');
    expect(localeFromAcceptLanguage('zh-TW,zh;q=0.9')).toBe('zh');
    expect(localeFromAcceptLanguage('zh-Hant-HK')).toBe('zh');
    expect(localeFromAcceptLanguage('fr;q=0.9,en;q=0.5,zh-CN;q=0.7')).toBe('zh-Hans');
  });

  it('takes ?locale= (the admin codes) over Accept-Language, and ?timeZone= (default UTC)', () => {
    expect(csvFormatOf({}, 'zh-CN')).toEqual({ locale: 'zh-Hans', timeZone: 'UTC' });
    expect(csvFormatOf({ locale: 'zh', timeZone: 'Asia/Taipei' }, 'en')).toEqual({ locale: 'zh', timeZone: 'Asia/Taipei' });
  });

  it('refuses a language or a time zone it does not have, naming the query parameter (the contract)', () => {
    const parsed = exportQuery.safeParse({ locale: 'fr', timeZone: 'Mars/Base' });
    expect(parsed.success).toBe(false);
    expect(parsed.success ? [] : zodErrors(parsed.error).map((e) => e.path)).toEqual(['/locale', '/timeZone']);
    expect(exportQuery.parse({ locale: 'zh-Hans', timeZone: 'Asia/Shanghai' })).toEqual({ locale: 'zh-Hans', timeZone: 'Asia/Shanghai' });
  });

  it('formats dates in the zone and the language, codes by column, and leaves other values alone', () => {
    const en = csvFormatter({ locale: 'en', timeZone: 'UTC' });
    expect(en.label('totalSpent')).toBe('Total spent (CNY)');
    expect(en.value('lastOrderAt', '2026-01-02T03:04:05.000Z')).toBe('01/02/2026, 03:04');
    expect(en.value('leadSource', 'referral')).toBe('Referral');
    expect(en.value('region', 'signed')).toBe('signed');
    expect(en.value('lastOrderAt', null)).toBeNull();
    const zh = csvFormatter({ locale: 'zh', timeZone: 'Asia/Taipei' });
    expect([zh.label('stage'), zh.value('stage', 'in_service'), zh.value('quadrant', 'high_value')]).toEqual(['階段', '服務中', '高價值']);
    expect(zh.value('createdAt', '2026-01-02T20:00:00.000Z')).toBe('2026/01/03 04:00');
  });
});
