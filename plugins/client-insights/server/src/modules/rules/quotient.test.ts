import Database from 'better-sqlite3';
import fc from 'fast-check';
import { decimalOf, literalParts, quotientSign, quotientSignSql } from './quotient';

/** The SQL form's integer arithmetic, in BigInt (what every database computes). */
const signBySqlSteps = (cents: bigint, n: bigint, literal: number) => {
  const r = ((cents % n) + n) % n;
  const a = (cents - r) / n;
  const p = literalParts(literal);
  if (a !== p.whole) return a < p.whole ? -1 : 1;
  if (p.exact) return r * p.b > p.a * n ? 1 : r * p.b === p.a * n ? 0 : -1;
  return r * p.d >= p.c * n ? 1 : -1;
};

const literals = fc.oneof(
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map((c) => c / 100),
  fc.double({ min: -1e7, max: 1e7, noNaN: true }),
  fc.tuple(fc.integer({ min: -1_000_000, max: 100_000_000 }), fc.integer({ min: 1, max: 5000 })).map(([c, n]) => c / 100 / n),
  fc.constantFrom(0, 1e-7, -1e-7, 5e-324, 1e300, -1e300, 0.1, 0.3, 0.78, 10.01, 43166.67, 10.003333333333334, 2 ** 31, 1 / 3)
);

describe('exact quotient comparison', () => {
  it('reads a literal as the decimal its text says', () => {
    expect(decimalOf(10.01)).toEqual({ num: 1001n, den: 100n });
    expect(decimalOf(-0.5)).toEqual({ num: -5n, den: 10n });
    expect(decimalOf(1e-7)).toEqual({ num: 1n, den: 10_000_000n });
    expect(decimalOf(1.5e21)).toEqual({ num: 1_500_000_000_000_000_000_000n, den: 1n });
    expect(decimalOf(42)).toEqual({ num: 42n, den: 1n });
  });

  it("decides the issue's cases exactly", () => {
    expect(quotientSign(30.01, 3, 10)).toBe(1); // 10.00333… is not 10
    expect(quotientSign(2.34, 3, 0.78)).toBe(0); // 3 × 0.78 averages 0.78 (2.34 / 3 in doubles is 0.7799999999999999)
    expect(quotientSign(129500, 3, 43166.67)).toBe(-1);
    expect(quotientSign(129500, 3, 43166.66)).toBe(1);
  });

  it('gives the same sign through the SQL steps as in exact arithmetic', () => {
    fc.assert(
      fc.property(
        // Totals are decimal(14, 2): under 10^14 cents.
        fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: -99_999_999_999_999, max: 99_999_999_999_999 })),
        fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 2 ** 31 - 1 })),
        literals,
        (cents, n, literal) => {
          const total = cents / 100;
          const expected = quotientSign(total, n, literal);
          expect(signBySqlSteps(BigInt(Math.round(total * 100)), BigInt(n), literal)).toBe(expected);
        }
      ),
      { numRuns: 20_000 }
    );
  });

  it('runs as SQL on SQLite with the same answers', () => {
    const db = new Database(':memory:');
    try {
      fc.assert(
        fc.property(fc.integer({ min: -1_000_000, max: 100_000_000 }), fc.integer({ min: 1, max: 1000 }), literals, (cents, n, literal) => {
          const expr = quotientSignSql('sqlite', 'm.total_spent', 'm.order_count', literal);
          const row = db.prepare(`select ${expr.sql} as s from (select ? as total_spent, ? as order_count) m`).get(...expr.bindings, cents / 100, n) as {
            s: number;
          };
          expect(row.s).toBe(quotientSign(cents / 100, n, literal));
        }),
        { numRuns: 3000 }
      );
      // No division by zero without orders (the caller answers for a missing value).
      const zero = quotientSignSql('sqlite', 'm.total_spent', 'm.order_count', 1);
      expect(() => db.prepare(`select ${zero.sql} as s from (select 5 as total_spent, 0 as order_count) m`).get(...zero.bindings)).not.toThrow();
    } finally {
      db.close();
    }
  });
});
