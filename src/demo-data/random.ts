/** A small seeded PRNG (sfc32) with the draws the generator needs; same seed, same sequence. */
export type Random = ReturnType<typeof createRandom>;

const hashSeed = (seed: string | number) => {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
};

export const createRandom = (seed: string | number) => {
  const next32 = hashSeed(seed);
  let a = next32();
  let b = next32();
  let c = next32();
  let d = next32();
  const float = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) float();

  const int = (min: number, max: number) => min + Math.floor(float() * (max - min + 1));
  const chance = (p: number) => float() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(float() * items.length)];
  const normal = () => {
    const u = 1 - float();
    const v = float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  /** Weighted choice: `weights` maps each value to its relative weight. */
  const weighted = <T extends string>(weights: Readonly<Record<T, number>>): T => {
    const entries = Object.entries(weights) as Array<[T, number]>;
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = float() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  };
  /** Gamma(shape, scale) (Marsaglia–Tsang; shape < 1 by the boost U^(1/shape)). */
  const gamma = (shape: number, scale = 1): number => {
    if (shape < 1) return gamma(shape + 1, scale) * Math.pow(1 - float(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - float();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  };
  /** Beta(a, b), from two gammas. */
  const beta = (a: number, b: number) => {
    const x = gamma(a);
    return x / (x + gamma(b));
  };
  /** Exponential with the given mean. */
  const exponential = (mean: number) => -Math.log(1 - float()) * mean;
  /** A Strapi-like document id: 24 lowercase alphanumerics, six base-36 digits per draw. */
  const sixDigits = () =>
    Math.floor(float() * 2176782336)
      .toString(36)
      .padStart(6, '0');
  const documentId = () => sixDigits() + sixDigits() + sixDigits() + sixDigits();
  return {
    float,
    int,
    chance,
    pick,
    normal,
    weighted,
    gamma,
    beta,
    exponential,
    documentId,
    logNormal: (mu: number, sigma: number) => Math.exp(mu + sigma * normal()),
  };
};
