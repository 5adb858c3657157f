import { keyFromName } from './keys';

describe('keyFromName', () => {
  it('keeps the latin letters and digits of a name', () => {
    expect(keyFromName('VIP 客户 2026', 'segment')).toBe('vip-2026');
    expect(keyFromName('  Élite -- Clients ', 'tag')).toBe('elite-clients');
  });

  it('gives a Chinese-only name a stable short key with the prefix', () => {
    const key = keyFromName('奖学金意向', 'tag');
    expect(key).toMatch(/^tag-[0-9a-z]{1,7}$/);
    expect(keyFromName('奖学金意向', 'tag')).toBe(key);
    expect(keyFromName('留学意向', 'tag')).not.toBe(key);
  });

  it('fits the slug pattern the contracts accept', () => {
    for (const name of ['奖学金意向', '高潜力', 'A', '💡']) expect(keyFromName(name, 'segment')).toMatch(/^[a-z0-9][a-z0-9-_]*$/);
  });
});
