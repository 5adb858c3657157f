/** A growable Float64 column: per-customer numbers read page by page without holding row objects. */
export class Column {
  private data: Float64Array;
  length = 0;

  /** `capacity`: the rows expected, when known (more still fit, by growing). */
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length] = value;
    this.length += 1;
  }

  /** The filled part (a view, no copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** Named columns filled together from query rows. */
export const columns = <K extends string>(names: readonly K[], capacity?: number) => {
  const cols = Object.fromEntries(names.map((n) => [n, new Column(capacity)])) as Record<K, Column>;
  return {
    push(row: Record<K, unknown>) {
      for (const n of names) cols[n].push(row[n] === null || row[n] === undefined ? NaN : Number(row[n]));
    },
    get length() {
      return cols[names[0]].length;
    },
    values: () => Object.fromEntries(names.map((n) => [n, cols[n].values()])) as Record<K, Float64Array>,
  };
};

/** Every k-th index so that at most `max` of `n` are kept: an even, deterministic sample for fitting. */
export const sampleIndices = (n: number, max: number): Uint32Array => {
  const step = Math.max(1, Math.ceil(n / max));
  const out = new Uint32Array(Math.ceil(n / step));
  for (let i = 0, k = 0; i < n; i += step, k += 1) out[k] = i;
  return out;
};
