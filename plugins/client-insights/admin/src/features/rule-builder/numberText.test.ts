import { isPartialNumber, parseNumberText, textForValue } from './numberText';

/** Types `keys` one by one the way the field does: accept the text, report its number, get it back as the value. */
const typeInto = (start: string, keys: string) => {
  let text = start;
  let value: number | null = parseNumberText(start);
  const seen: string[] = [];
  for (const key of keys) {
    const next = text + key;
    if (isPartialNumber(next)) {
      text = next;
      value = parseNumberText(text);
    }
    text = textForValue(text, value);
    seen.push(text);
  }
  return { text, value, seen };
};

describe('number field text', () => {
  it('shows exactly what is typed and never groups digits while typing', () => {
    const { text, value, seen } = typeInto('', '50000');
    expect(seen).toEqual(['5', '50', '500', '5000', '50000']);
    expect(text).toBe('50000');
    expect(value).toBe(50000);
  });

  it('keeps unfinished numbers as typed and refuses letters', () => {
    expect(typeInto('', '-1.').seen).toEqual(['-', '-1', '-1.']);
    expect(typeInto('', '-1.').value).toBe(-1);
    expect(typeInto('12', 'x').text).toBe('12');
    expect(typeInto('', '0.50').text).toBe('0.50');
  });

  it('reads pasted grouping and follows a value changed elsewhere', () => {
    expect(parseNumberText('50,000')).toBe(50000);
    expect(parseNumberText('')).toBeNull();
    expect(parseNumberText('-')).toBeNull();
    expect(textForValue('50,000', 50000)).toBe('50,000');
    expect(textForValue('500', 7)).toBe('7');
    expect(textForValue('5', null)).toBe('');
  });
});
