import { pointer, type FieldError } from '../../../../shared/errors';

/**
 * Text no database stores faithfully: a NUL character (PostgreSQL refuses it in text and jsonb,
 * so it surfaced as a 500) or half of a UTF-16 surrogate pair (not Unicode; drivers mangle it).
 */
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const problemOf = (text: string) =>
  text.includes('\u0000') ? 'text must not contain a NUL character (\\u0000)' : 'text must be valid Unicode (a lone surrogate such as \\ud800 is not)';

/**
 * Every string (values and object keys) in `value` that holds bad text, by JSON pointer under
 * `base`. Walks without recursion, so a body nested 100,000 levels deep cannot overflow the stack.
 */
type Step = { node: unknown; key: string | number | null; parent: Step | null };

const pathOf = (step: Step, base: (string | number)[]) => {
  const tokens: (string | number)[] = [];
  for (let s: Step | null = step; s && s.key !== null; s = s.parent) tokens.push(s.key);
  return pointer([...base, ...tokens.reverse()]);
};

export const badText = (value: unknown, base: (string | number)[] = [], limit = 20): FieldError[] => {
  const errors: FieldError[] = [];
  // Each step links to its parent (no path copied per node): linear in the size of the body.
  const stack: Step[] = [{ node: value, key: null, parent: null }];
  while (stack.length && errors.length < limit) {
    const step = stack.pop()!;
    const { node } = step;
    if (typeof node === 'string') {
      if (BAD_TEXT.test(node)) errors.push({ path: pathOf(step, base), message: problemOf(node) });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push({ node: node[i], key: i, parent: step });
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node).reverse()) {
        const next = { node: child, key, parent: step };
        if (BAD_TEXT.test(key)) errors.push({ path: pathOf(next, base), message: `field name: ${problemOf(key)}` });
        else stack.push(next);
      }
    }
  }
  return errors;
};
