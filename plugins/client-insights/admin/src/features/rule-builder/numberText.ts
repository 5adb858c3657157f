/**
 * The text of a number field. The field shows exactly what the user typed (no grouping while
 * typing: the design system's NumberInput re-formatted each keystroke, showing "5,0000" and once
 * turning 50000 into 150000); the value is parsed from it, and the text only follows the value when
 * the value changes from elsewhere (the JSON view, a keyboard move).
 */

/** Spaces, commas and underscores are read as digit grouping a user may paste. */
const clean = (text: string) => text.replace(/[\s,_]/g, '');

/** A number being typed: "-", "5.", ".5" and "" are fine on the way to a number. */
export const isPartialNumber = (text: string) => /^-?\d*(\.\d*)?$/.test(clean(text));

/** The number a text says, or null (empty or unfinished such as "-" or "."). */
export const parseNumberText = (text: string): number | null => {
  const c = clean(text);
  if (!/\d/.test(c) || !isPartialNumber(c)) return null;
  const n = Number(c.endsWith('.') ? c.slice(0, -1) : c);
  return Number.isFinite(n) ? n : null;
};

export const numberToText = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

/** The text to show for `value`: the current text while it says that value, else the value's own text. */
export const textForValue = (text: string, value: number | null | undefined) =>
  parseNumberText(text) === (typeof value === 'number' ? value : null) ? text : numberToText(value);
