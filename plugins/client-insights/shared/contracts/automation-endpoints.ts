import { z } from 'zod';
import { dataOf, endpoint, idParams, isoDate, noBody, noQuery } from './http';

/**
 * Webhook endpoints of automation (`automation.manage`): where a rule's webhook action posts, and
 * the secret it signs with (Standard Webhooks). The secret is shown once, in the answer of the
 * creation or of a rotation, and never again; it is stored encrypted.
 */

/** An http(s) URL without credentials in it (user:password@ would be stored and logged as text). */
export const endpointUrl = z
  .string()
  .trim()
  .max(2000, 'at most 2000 characters')
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an http or https URL' });
    if (url.username || url.password) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not carry a user name or password' });
  });

const endpointName = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');

export const webhookEndpointSchema = z.object({
  id: z.number(),
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  /** The circuit breaker: `closed` (sending), `open` (paused until `openUntil`), `half_open` (the next delivery is a trial). */
  circuit: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number(),
  openUntil: isoDate.nullable(),
  createdBy: z.number().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** An endpoint with its signing secret (`whsec_…`): only in the answer that created or rotated it. */
export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({ secret: z.string() });

export const createEndpointBodySchema = z.object({ name: endpointName, url: endpointUrl, enabled: z.boolean().default(true) }).strict();
export const updateEndpointBodySchema = z
  .object({ name: endpointName.optional(), url: endpointUrl.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const webhookEndpointsApi = {
  list: endpoint({ method: 'GET', path: '/automation/webhook-endpoints', query: noQuery, response: dataOf(z.array(webhookEndpointSchema)) }),
  create: endpoint({
    method: 'POST',
    path: '/automation/webhook-endpoints',
    body: createEndpointBodySchema,
    response: dataOf(webhookEndpointWithSecretSchema),
    statuses: [201],
  }),
  update: endpoint({
    method: 'PUT',
    path: '/automation/webhook-endpoints/:id',
    params: idParams,
    body: updateEndpointBodySchema,
    response: dataOf(webhookEndpointSchema),
  }),
  /** 409 naming the rules while a rule posts to it (its steps as last saved, or its running version). */
  remove: endpoint({ method: 'DELETE', path: '/automation/webhook-endpoints/:id', params: idParams, response: dataOf(z.object({ id: z.number() })) }),
  /** A new secret; the old one stops signing at once. Answers the new secret, once. */
  rotateSecret: endpoint({
    method: 'POST',
    path: '/automation/webhook-endpoints/:id/rotate-secret',
    params: idParams,
    body: noBody,
    response: dataOf(webhookEndpointWithSecretSchema),
  }),
};

export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;
export type CreateEndpointBody = z.infer<typeof createEndpointBodySchema>;
export type UpdateEndpointBody = z.infer<typeof updateEndpointBodySchema>;
