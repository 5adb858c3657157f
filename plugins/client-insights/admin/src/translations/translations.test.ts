import en from './en.json';
import zhHans from './zh-Hans.json';
import zh from './zh.json';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

describe('admin translations', () => {
  it.each([
    ['zh-Hans', zhHans],
    ['zh', zh],
  ])('%s has every English key, with the same placeholders and a non-empty text', (_locale, messages: Record<string, string>) => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect([key, placeholders(messages[key])]).toEqual([key, placeholders(text)]);
      expect(messages[key].trim()).not.toBe('');
    }
  });

  it('Traditional and Simplified differ where the script differs', () => {
    expect((zh as Record<string, string>)['plugin.name']).toBe('客戶洞察');
    expect((zhHans as Record<string, string>)['plugin.name']).toBe('客户洞察');
  });
});
