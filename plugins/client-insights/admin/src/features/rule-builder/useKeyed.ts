import * as React from 'react';

/**
 * `make()`'s value, made again only when `key` changes: consumers (memoised rows, context readers)
 * see the same object while what it says is the same, although it is rebuilt from new inputs.
 */
export const useKeyed = <T>(make: () => T, key: string): T => {
  const ref = React.useRef<{ key: string; value: T } | null>(null);
  if (!ref.current || ref.current.key !== key) ref.current = { key, value: make() };
  return ref.current.value;
};
