/**
 * Fields that are a quotient of two rollup columns, compared exactly (docs/rules.md:
 * `metrics.avg_order_value` is total_spent / order_count). The quotient rarely ends in two
 * decimals (30.01 / 3 = 10.00333…), and neither cents nor floats give its meaning: rounded, 10.00,
 * 10.00, 10.01 "equals" 10; in doubles, three orders of 0.78 average 2.34 / 3 = 0.7799999999999999,
 * below 0.78. So a comparison is decided by the sign of (value − literal) in integer arithmetic:
 * BigInt in JS, and in SQL 64-bit integers only, the same on every database.
 *
 * The total is money (two decimals): C = the total in cents, n = the count (> 0, else the value is
 * missing), so 100·value = C / n = A + R/n with A = ⌊C/n⌋ and 0 ≤ R < n. A literal means the decimal
 * its JSON text (String(λ)) says; 100·λ = Pi + f with Pi = ⌊100·λ⌋ and 0 ≤ f < 1. The sign is that of
 * A − Pi, or when they are equal that of R/n − f. f is replaced by its neighbours a/b ≤ f < c/d among
 * the fractions with denominators up to 2^31 (above any count): no R/n lies strictly between them,
 * so R/n < f ⇔ R/n ≤ a/b when f ≠ a/b, and every product stays below 2^62.
 */
import { exactIntegerDivide, moneyCents, numberParam, type Dialect } from '../../core/db/dialect';
import { FALSE_SQL, joinSql, raw, sql, TRUE_SQL, type Sql } from '../../core/db/sql-fragment';
import type { CompareOp, Literal } from './ast';

/** Quotient fields: numerator (money, two decimals) and count columns of the same rollup row. */
export const QUOTIENT_FIELDS: Record<string, { total: string; count: string }> = {
  'metrics.avg_order_value': { total: 'total_spent', count: 'order_count' },
};

type Rational = { num: bigint; den: bigint };

/** The decimal value of a number as its shortest text says it ("10.01", "1e-7"), exactly. */
export const decimalOf = (x: number): Rational => {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new Error(`not a finite number: ${x}`);
  const fraction = m[3] ?? '';
  const digits = BigInt(m[2] + fraction) * (m[1] ? -1n : 1n);
  const exponent = Number(m[4] ?? 0) - fraction.length;
  return exponent >= 0 ? { num: digits * 10n ** BigInt(exponent), den: 1n } : { num: digits, den: 10n ** BigInt(-exponent) };
};

/** decimalOf per literal: a rule's few literals meet every customer. */
const decimals = new Map<number, Rational>();
const decimalCached = (x: number): Rational => {
  let d = decimals.get(x);
  if (!d) {
    if (decimals.size > 10_000) decimals.clear();
    decimals.set(x, (d = decimalOf(x)));
  }
  return d;
};

const cents = (total: number) => BigInt(Math.round(total * 100));
const sign = (x: bigint) => (x > 0n ? 1 : x < 0n ? -1 : 0);

/** sign(total / count − literal), exactly; total in money with two decimals, count > 0. */
export const quotientSign = (total: number, count: number, literal: number): number => {
  const { num, den } = decimalCached(literal);
  return sign(cents(total) * den - num * 100n * BigInt(count));
};

/** Counts never exceed this (a 32-bit integer column), so a/b and c/d below bound every R/n. */
const MAX_COUNT = 2n ** 31n;
/** Beyond any 100·value (totals stay under 10^12): a larger |Pi| decides alone. */
const MAX_CENTS = 10n ** 15n;

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** What the SQL form of a comparison with `literal` needs: Pi and f's neighbours a/b, c/d. */
export type LiteralParts = { whole: bigint; exact: boolean; a: bigint; b: bigint; c: bigint; d: bigint };

export const literalParts = (literal: number): LiteralParts => {
  const { num, den } = decimalOf(literal);
  const whole = floorDiv(num * 100n, den);
  if (whole > MAX_CENTS || whole < -MAX_CENTS) return { whole: whole > 0n ? MAX_CENTS : -MAX_CENTS, exact: true, a: 0n, b: 1n, c: 1n, d: 1n };
  // f = p / q in [0, 1).
  const [p, q] = [num * 100n - whole * den, den];
  const g = gcd(p, q);
  if (q / g <= MAX_COUNT) return { whole, exact: true, a: p / g, b: q / g, c: 1n, d: 1n };
  // Stern–Brocot descent in runs (continued-fraction steps): a/b < f < c/d, denominators ≤ MAX_COUNT.
  let [a, b, c, d] = [0n, 1n, 1n, 1n];
  for (;;) {
    if ((a + c) * q < p * (b + d)) {
      const k = [(p * b - a * q) / (c * q - p * d), (MAX_COUNT - b) / d].reduce((x, y) => (x < y ? x : y));
      if (k === 0n) break;
      [a, b] = [a + k * c, b + k * d];
    } else {
      const k = [(c * q - p * d) / (p * b - a * q), (MAX_COUNT - d) / b].reduce((x, y) => (x < y ? x : y));
      if (k === 0n) break;
      [c, d] = [c + k * a, d + k * b];
    }
  }
  return { whole, exact: false, a, b, c, d };
};

/**
 * SQL -1 / 0 / 1: sign(total / count − literal) for the columns `total` and `count`; meaningless
 * (but no division by zero) when count is 0: the caller decides a missing value.
 */
export const quotientSignSql = (dialect: Dialect, total: string, count: string, literal: number): Sql => {
  const n = raw(`nullif(${count}, 0)`);
  const c = moneyCents(dialect, raw(total));
  const r = sql`((${c} % ${n} + ${n}) % ${n})`;
  const a = exactIntegerDivide(dialect, sql`(${c} - ${r})`, n);
  const parts = literalParts(literal);
  // Whole numbers below 2^53 (bigint-typed on PostgreSQL).
  const v = (x: bigint) => numberParam(dialect, Number(x), true);
  const fraction = parts.exact
    ? sql`case when ${r} * ${v(parts.b)} > ${v(parts.a)} * ${n} then 1 when ${r} * ${v(parts.b)} = ${v(parts.a)} * ${n} then 0 else -1 end`
    : sql`case when ${r} * ${v(parts.d)} >= ${v(parts.c)} * ${n} then 1 else -1 end`;
  return sql`(case when ${a} < ${v(parts.whole)} then -1 when ${a} > ${v(parts.whole)} then 1 else ${fraction} end)`;
};

type Rel = '=' | '<>' | '>' | '>=' | '<' | '<=';
const REL: Record<Rel, (s: number) => boolean> = {
  '=': (s) => s === 0,
  '<>': (s) => s !== 0,
  '>': (s) => s > 0,
  '>=': (s) => s >= 0,
  '<': (s) => s < 0,
  '<=': (s) => s <= 0,
};

/**
 * What `value OP literals` asks of the signs of (value − literal), for a present value: tests
 * joined by `how`, or a constant (null literals: never equal to a present value).
 */
const signTests = (op: CompareOp, lits: Literal[]): boolean | { how: 'and' | 'or'; tests: Array<[number, Rel]> } => {
  const [x, y] = lits as number[];
  switch (op) {
    case '==':
      return x === null ? false : { how: 'and', tests: [[x, '=']] };
    case '!=':
      return x === null ? true : { how: 'and', tests: [[x, '<>']] };
    case '>':
    case '>=':
    case '<':
    case '<=':
      return { how: 'and', tests: [[x, op]] };
    case 'between':
      return {
        how: 'and',
        tests: [
          [x, '>='],
          [y, '<='],
        ],
      };
    case 'between_exclusive':
      return {
        how: 'and',
        tests: [
          [x, '>'],
          [y, '<'],
        ],
      };
    case 'in': {
      const listed = lits.filter((l): l is number => typeof l === 'number');
      return listed.length ? { how: 'or', tests: listed.map((l) => [l, '='] as [number, Rel]) } : false;
    }
    default:
      throw new Error(`${op} does not compare numbers`);
  }
};

export const QUOTIENT = {
  /** `total / count OP literals` for count > 0. */
  js: (op: CompareOp, lits: Literal[], total: number, count: number): boolean => {
    const t = signTests(op, lits);
    if (typeof t === 'boolean') return t;
    const holds = ([lit, rel]: [number, Rel]) => REL[rel](quotientSign(total, count, lit));
    return t.how === 'and' ? t.tests.every(holds) : t.tests.some(holds);
  },
  /** The same in SQL over the columns `total` and `count`, for count > 0. */
  sql: (dialect: Dialect, op: CompareOp, lits: Literal[], total: string, count: string): Sql => {
    const t = signTests(op, lits);
    if (typeof t === 'boolean') return t ? TRUE_SQL : FALSE_SQL;
    const parts = t.tests.map(([lit, rel]) => sql`${quotientSignSql(dialect, total, count, lit)} ${raw(rel)} 0`);
    return sql`(${joinSql(parts, ` ${t.how} `)})`;
  },
};
