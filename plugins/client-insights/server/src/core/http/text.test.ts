import { badText } from './text';

describe('badText', () => {
  it('names every NUL and lone surrogate, in values and keys, by pointer', () => {
    const value = { name: 'a\u0000b', list: ['ok', '\ud800'], 'k\u0000': 1, pair: '\ud83d\ude00', tail: 'x\udc00' };
    expect(
      badText(value, ['body'])
        .map((e) => e.path)
        .sort()
    ).toEqual(['/body/k\u0000', '/body/list/1', '/body/name', '/body/tail']);
    expect(badText({ fine: 'emoji \ud83d\ude00 and 中文' })).toEqual([]);
  });

  it('walks 100,000 levels without overflowing the stack, in linear time', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const started = Date.now();
    const [error] = badText(deep);
    expect(error.path.split('/').length).toBe(100_001);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
