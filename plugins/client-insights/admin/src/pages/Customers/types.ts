/** What a CLV figure measures (values/reports.ts ClvBasis): margin over the next `horizonMonths`. */
export type ClvBasis = { horizonMonths: number; marginRate: number; monthlyDiscountRate: number; method: string };

export type CustomerRow = {
  id: number;
  documentId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  region: string | null;
  stage: string | null;
  createdAt: string | null;
  totalSpent: number;
  orderCount: number;
  quadrant: string | null;
  r: number | null;
  f: number | null;
  m: number | null;
};
type Person = { id: number; name: string | null; stage: string | null };
export type Profile = {
  customer: {
    id: number;
    documentId: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    region: string | null;
    language: string | null;
    education: string | null;
    targetMajor: string | null;
    program: string | null;
    stage: string | null;
    leadSource: string | null;
    notes: string | null;
    createdAt: string | null;
    ownerId: number | null;
  };
  masked: boolean;
  referrer: Person | null;
  referrals: Person[];
  family: Person[];
  tags: { id: number; name: string; slug: string; category: string; color: string | null; source: string; expiresAt: string | null }[];
  timeline: ({ kind: 'interaction'; id: number; type: string; channel: string | null; at: string | null } | { kind: 'order'; id: number; type: string; status: string; amount: number; currency: string; at: string | null })[];
  metrics: { orderCount: number; totalSpent: number; avgOrderValue: number | null; lastOrderAt: string | null; lastInteractionAt: string | null; contractEndAt: string | null; overdueAmount: number; referralCount: number; complaintCount: number } | null;
  scores: { r: number | null; f: number | null; m: number | null; rfm: number | null; rfmSegment: string | null; quadrant: string | null; clv: number | null; clvBasis?: ClvBasis | null; churnRisk: number | null; renewalProbability: number | null; upsellProbability: number | null; calculatedAt: string | null } | null;
};
