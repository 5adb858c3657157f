import { z } from 'zod';
import { SYNC_PHASES } from '../enums';
import { isTimeZone } from '../labels';
import { endpointUrl } from './automation-endpoints';
import { dataOf, endpoint, idParams, isoDate, noQuery } from './http';
import { jobSchemaOf } from './jobs';

/**
 * Sync (`sync.manage`): destinations that receive customers' value scores, tags and current segment
 * memberships (a PostgreSQL or MySQL/MariaDB warehouse, a signed webhook, a file drop), on a
 * schedule or on demand, incrementally or as a full reload. Secrets (the warehouse password, the
 * webhook signing secret) are stored encrypted: the password is never answered, the webhook
 * secret only in the answer that created the destination.
 */

export const SYNC_TYPES = ['warehouse', 'webhook', 'file'] as const;
export const SYNC_MODES = ['incremental', 'full'] as const;
export const SYNC_RUN_STATUSES = ['running', 'success', 'failed', 'cancelled'] as const;
/** The kinds of rows sent, in the order a run sends them. */
export const SYNC_KINDS = ['scores', 'tags', 'members'] as const;

const name = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');
const hostName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address');
const identifier = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only, not starting with a digit');
/** A folder below the configured file-drop root (`sync.fileRoot`): relative, no `..`. */
const folder = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a relative folder of letters, digits, _ and - (no .. or leading /)');

const schedule = {
  /** Cron expression, daily at 03:00 by default. */
  cron: z.string().trim().min(1).max(120).optional(),
  timezone: z
    .string()
    .max(64)
    .refine((zone) => isTimeZone(zone), 'not a known IANA time zone')
    .optional(),
  enabled: z.boolean().optional(),
};

const warehouseConfig = z
  .object({
    client: z.enum(['postgres', 'mysql']),
    host: hostName,
    port: z.number().int().min(1).max(65535).optional(),
    database: identifier,
    user: z.string().trim().min(1, 'must not be empty').max(63),
    ssl: z.boolean().optional(),
  })
  .strict();
const webhookConfig = z.object({ url: endpointUrl }).strict();
const fileConfig = z.object({ folder, format: z.enum(['jsonl', 'csv']) }).strict();

export const createDestinationSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('warehouse'), name, config: warehouseConfig, password: z.string().max(500).optional(), ...schedule }).strict(),
    z.object({ type: z.literal('webhook'), name, config: webhookConfig, ...schedule }).strict(),
    z.object({ type: z.literal('file'), name, config: fileConfig, ...schedule }).strict(),
  ],
  { errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union_discriminator' ? `one of ${SYNC_TYPES.join(', ')}` : ctx.defaultError }) }
);

/** A change: any of the settings; `config` replaces the whole configuration of the destination's type (checked against it). */
export const updateDestinationSchema = z
  .object({ name: name.optional(), config: z.record(z.unknown()).optional(), password: z.string().max(500).optional(), ...schedule })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

/** The configuration schema of each type, for checking an update's `config`. */
export const DESTINATION_CONFIGS = { warehouse: warehouseConfig, webhook: webhookConfig, file: fileConfig } as const;

export const destinationSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: z.enum(SYNC_TYPES),
  /** The type's settings, without secrets. */
  config: z.record(z.unknown()),
  /** Whether a password (warehouse) or signing secret (webhook) is stored; its value is never answered. */
  hasSecret: z.boolean(),
  enabled: z.boolean(),
  cron: z.string(),
  timezone: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
/** A webhook destination with its signing secret (`whsec_…`): only in the answer that created it. */
export const destinationWithSecretSchema = destinationSchema.extend({ secret: z.string().optional() });

export const syncRunSchema = z.object({
  id: z.number(),
  destinationId: z.number(),
  jobId: z.number().nullable(),
  mode: z.enum(SYNC_MODES),
  trigger: z.enum(['manual', 'schedule']),
  status: z.enum(SYNC_RUN_STATUSES),
  /** Batches committed, rows upserted, rows deleted, rows refused by the destination. */
  batches: z.number(),
  sent: z.number(),
  deleted: z.number(),
  rejected: z.number(),
  /** Why rows were refused (the first ones): the row's key and the destination's words. */
  rejections: z.array(z.object({ kind: z.enum(SYNC_KINDS), key: z.string(), reason: z.string() })),
  error: z.string().nullable(),
  /** Times the run was started: more than 1 when it resumed after a failure or a crash. */
  attempts: z.number(),
  watermark: isoDate,
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
});

export const syncJobSchema = jobSchemaOf(SYNC_PHASES);

export const syncApi = {
  list: endpoint({ method: 'GET', path: '/sync/destinations', query: noQuery, response: dataOf(z.array(destinationSchema)) }),
  create: endpoint({
    method: 'POST',
    path: '/sync/destinations',
    body: createDestinationSchema,
    response: dataOf(destinationWithSecretSchema),
    statuses: [201],
  }),
  update: endpoint({ method: 'PUT', path: '/sync/destinations/:id', params: idParams, body: updateDestinationSchema, response: dataOf(destinationSchema) }),
  remove: endpoint({ method: 'DELETE', path: '/sync/destinations/:id', params: idParams, response: dataOf(z.object({ id: z.number() })) }),
  /**
   * 202 with the sync job (follow it at /jobs/:jobId). An unfinished run of the destination (failed
   * or interrupted) is resumed from its last committed batch; `mode: full` starts a full reload.
   */
  run: endpoint({
    method: 'POST',
    path: '/sync/destinations/:id/run',
    params: idParams,
    body: z.object({ mode: z.enum(SYNC_MODES).default('incremental') }).strict(),
    response: dataOf(syncJobSchema),
    statuses: [202],
  }),
  /** The destination's runs, newest first (the last 50). */
  runs: endpoint({ method: 'GET', path: '/sync/destinations/:id/runs', params: idParams, query: noQuery, response: dataOf(z.array(syncRunSchema)) }),
};

export type CreateDestination = z.infer<typeof createDestinationSchema>;
export type UpdateDestination = z.infer<typeof updateDestinationSchema>;
export type SyncDestination = z.infer<typeof destinationSchema>;
export type SyncRun = z.infer<typeof syncRunSchema>;
export type SyncKind = (typeof SYNC_KINDS)[number];
export type SyncMode = (typeof SYNC_MODES)[number];
export type SyncType = (typeof SYNC_TYPES)[number];
