import { pointer, pointerTokens, pointerUnder } from './errors';

describe('JSON pointers (RFC 6901)', () => {
  it('escapes ~ and / in tokens and round-trips them', () => {
    expect(pointer(['rule', 'and', 1, '>='])).toBe('/rule/and/1/>=');
    expect(pointer(['a/b', 'm~n'])).toBe('/a~1b/m~0n');
    expect(pointer([])).toBe('');
    expect(pointerTokens('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
    expect(pointerTokens('')).toEqual([]);
  });

  it('relates a pointer to a prefix', () => {
    expect(pointerUnder('/rule/and/0', '/rule')).toBe('/and/0');
    expect(pointerUnder('/rule', '/rule')).toBe('');
    expect(pointerUnder('/rules/0', '/rule')).toBeNull();
    expect(pointerUnder('/name', '/rule')).toBeNull();
  });
});
