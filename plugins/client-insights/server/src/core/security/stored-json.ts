/** Deeper than any rule the validator accepts (16 levels) by far, and shallow enough for any recursive reader. */
export const MAX_STORED_DEPTH = 64;

/** Whether `value` nests deeper than `limit` (walked without recursion). */
export const deeperThan = (value: unknown, limit: number): boolean => {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
};

/**
 * A JSON value read from the database (text or parsed), made safe for recursive readers: a value
 * nested deeper than MAX_STORED_DEPTH (written around the API before every write was checked)
 * is replaced by a marker that no rule reader accepts, so it is refused rather than overflowing
 * the stack of every request that lists it. Text that is not JSON is kept as it is.
 */
export const storedJson = (value: unknown): unknown => {
  let parsed = value ?? null;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return value;
    }
  }
  return deeperThan(parsed, MAX_STORED_DEPTH) ? { invalid: `stored value nested deeper than ${MAX_STORED_DEPTH} levels` } : parsed;
};
