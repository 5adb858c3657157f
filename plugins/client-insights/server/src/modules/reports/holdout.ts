import { MIN_HOLDOUT_GROUP } from '../../../../shared/contracts/reports';

/**
 * Holdouts: which customers a campaign keeps untouched, and the lift of the treated group's
 * conversion over the holdout's with a 95 % confidence interval.
 */

/**
 * A customer's bucket 0–99 for a campaign: ((customer × 2654435761 + campaign × 40503) mod
 * 4294967291) mod 100, Knuth's multiplicative hash modulo the largest 32-bit prime. Integer
 * arithmetic only, so SQL computes the same bucket on every database (holdoutBucketSql); the
 * same campaign and customer always land in the same bucket, and customers with buckets below
 * the campaign's holdout percent are its holdout. Not cryptographic: only stable and spread out.
 */
export const holdoutBucket = (campaignId: number, customerId: number): number =>
  Number(((BigInt(customerId) * 2654435761n + BigInt(campaignId) * 40503n) % 4294967291n) % 100n);

/** The same bucket in SQL, for a customer id column (products stay below 2^63 for ids below 3.4 × 10^9). */
export const holdoutBucketSql = (campaignId: number, customerColumn: string): string =>
  `((${customerColumn} * 2654435761 + ${Math.trunc(campaignId) * 40503}) % 4294967291) % 100`;

/** Whether a campaign with `percent` % holdout keeps this customer untouched (for the senders to skip them). */
export const inCampaignHoldout = (campaignId: number, customerId: number, percent: number): boolean => holdoutBucket(campaignId, customerId) < percent;

const Z95 = 1.959963984540054;

/** Wilson's score interval for x successes of n (n > 0). */
export const wilson = (x: number, n: number, z = Z95): [number, number] => {
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
};

type Group = { customers: number; converted: number };

/**
 * The lift p₁ − p₂ of the treated group (1) over the holdout (2) and its 95 % interval by
 * Newcombe's hybrid score method (1998, method 10): from each group's Wilson interval (l, u),
 * [d − √((p₁−l₁)² + (u₂−p₂)²), d + √((u₁−p₁)² + (p₂−l₂)²)]. Unlike the normal (Wald)
 * approximation it stays inside [−1, 1] and keeps its coverage at small counts and rates near 0.
 * `tooSmall`: a group under MIN_HOLDOUT_GROUP customers, or under 5 conversions or
 * non-conversions, where any interval is rough.
 */
export const liftOf = (treated: Group, holdout: Group) => {
  const rate = (g: Group) => (g.customers > 0 ? g.converted / g.customers : null);
  const p1 = rate(treated);
  const p2 = rate(holdout);
  const small = (g: Group) => g.customers < MIN_HOLDOUT_GROUP || g.converted < 5 || g.customers - g.converted < 5;
  const tooSmall = small(treated) || small(holdout);
  const groups = { treated: { ...treated, rate: p1 }, holdout: { ...holdout, rate: p2 } };
  if (p1 === null || p2 === null) return { ...groups, lift: null, ci: null, relativeLift: null, tooSmall: true };
  const [l1, u1] = wilson(treated.converted, treated.customers);
  const [l2, u2] = wilson(holdout.converted, holdout.customers);
  const d = p1 - p2;
  const ci: [number, number] = [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
  return { ...groups, lift: d, ci, relativeLift: p2 > 0 ? d / p2 : null, tooSmall };
};
