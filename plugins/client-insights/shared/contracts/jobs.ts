import { z } from 'zod';
import { EXPORT_PHASES, JOB_ERROR_CODES, JOB_KINDS, JOB_STATUSES, REENCRYPT_PHASES, SYNC_PHASES, TAG_RULE_PHASES, VALUE_JOB_PHASES } from '../enums';
import { dataOf, endpoint, idText, isoDate, noBody } from './http';

/**
 * Tracked jobs (ci_jobs) in the one job model (enums.ts): value refreshes, tag-rule runs,
 * exports and re-encryption of contact data. Each kind starts at its own route; every kind is read and cancelled at /jobs/:jobId,
 * by whoever may start it (an export: only by the user who asked for it).
 */
export const jobSchemaOf = <P extends readonly [string, ...string[]]>(phases: P) =>
  z.object({
    id: z.number(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    /** The step under way: the tracker's phases around the kind's own. */
    phase: z.enum(phases).nullable(),
    /** Fraction done, 0..1. */
    progress: z.number().min(0).max(1),
    params: z.unknown(),
    result: z.unknown(),
    /** Why it failed, in words; never SQL or server detail (logged under a reference instead). */
    error: z.string().nullable(),
    errorCode: z.enum(JOB_ERROR_CODES).nullable(),
    /** A cancel was requested (a running job ends `cancelled` at its next check). */
    cancelRequested: z.boolean(),
    /** The admin user who started it; null for a schedule, the system or an API token. */
    requestedBy: z.number().nullable(),
    createdAt: isoDate.nullable(),
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
    heartbeatAt: isoDate.nullable(),
  });

const ALL_PHASES = [...new Set([...VALUE_JOB_PHASES, ...TAG_RULE_PHASES, ...EXPORT_PHASES, ...REENCRYPT_PHASES, ...SYNC_PHASES])] as unknown as readonly [
  string,
  ...string[],
];

/** A tracked job of any kind. */
export const jobSchema = jobSchemaOf(ALL_PHASES);

const jobParams = z.object({ jobId: idText });

export const jobsApi = {
  get: endpoint({ method: 'GET', path: '/jobs/:jobId', params: jobParams, response: dataOf(jobSchema) }),
  /**
   * Cancels a job: 200 with it `cancelled` (it was queued), 202 with it still `running` and
   * `cancelRequested` (it stops at its next check, its work discarded), 409 once it has finished.
   */
  cancel: endpoint({ method: 'POST', path: '/jobs/:jobId/cancel', params: jobParams, body: noBody, response: dataOf(jobSchema), statuses: [200, 202] }),
};

export type Job = z.infer<typeof jobSchema>;
