import { z } from 'zod';

export const listQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  stage: z.enum(['consultation', 'application', 'signed', 'in_service', 'churned']).optional(),
  /** Value-chart drill-downs: a quadrant, an R × F heatmap cell, an R × M scatter point. */
  quadrant: z.enum(['high_value', 'potential', 'dormant', 'churn_risk']).optional(),
  r: z.coerce.number().int().min(1).max(5).optional(),
  f: z.coerce.number().int().min(1).max(5).optional(),
  m: z.coerce.number().int().min(1).max(5).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const assignTagSchema = z
  .object({ tagId: z.number().int().positive(), expiresAt: z.string().datetime({ offset: true }).nullable().optional() })
  .strict();
