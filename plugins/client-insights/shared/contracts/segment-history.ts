import { z } from 'zod';
import { SEGMENT_STATUSES, SEGMENT_TYPES, VERSION_FIELDS, VERSION_SOURCES, VISIBILITIES } from '../enums';
import { dataOf, endpoint, idText, isoDate, noBody, pageOf, pageQuery, paginationSchema, refParams, refText } from './http';
import { memberSchema, savedSegmentSchema, segmentResultSchema } from './segments';

/**
 * Segment history: the versions of a segment's rule, settings and parent (who, when, by which
 * path), the difference between two versions, restoring one, and the membership of past runs.
 * Read like a segment (segments.read and its visibility); a restore is an update (segments.update).
 */

const actorSchema = z.object({ type: z.enum(['admin', 'api', 'system']), id: z.number().nullable(), name: z.string().nullable() });

/** A segment as a version keeps it. */
export const versionStateSchema = z.object({
  name: z.string(),
  key: z.string(),
  description: z.string().nullable(),
  type: z.enum(SEGMENT_TYPES),
  rule: z.unknown(),
  status: z.enum(SEGMENT_STATUSES),
  priority: z.number(),
  parent: z.object({ id: z.number(), key: z.string() }).nullable(),
  schedule: z.string().nullable(),
  timezone: z.string().nullable(),
  visibility: z.enum(VISIBILITIES),
});

export const versionSchema = z.object({
  version: z.number(),
  createdAt: isoDate,
  actor: actorSchema,
  source: z.enum(VERSION_SOURCES),
  /** The version a restore copied. */
  restoredFrom: z.number().nullable(),
  /** What differs from the version before (`rule` for the rule); empty for the first. */
  changed: z.array(z.string()),
  state: versionStateSchema,
});

const versionParams = refParams.extend({ version: idText });
const runParams = refParams.extend({ run: refText });

export const historyQuerySchema = z.object(pageQuery(100, 20)).strict();
export const diffQuerySchema = z.object({ from: idText, to: idText.optional() }).strict();
const memberPage = z.object(pageQuery(500, 50));
export const runMembersQuerySchema = memberPage.strict();
export const compareQuerySchema = memberPage.extend({ from: refText, to: refText, change: z.enum(['added', 'removed']).default('added') }).strict();

/** One entry of the timeline: a version or a run, newest first. */
export const historyEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('version'), at: isoDate, version: versionSchema }),
  z.object({ kind: z.literal('run'), at: isoDate, run: segmentResultSchema, requestedBy: actorSchema }),
]);

/** A setting before and after. */
const settingChange = z.object({ field: z.enum(VERSION_FIELDS), before: z.unknown(), after: z.unknown() });
/**
 * A change of the rule's canonical form at a JSON pointer: a condition `added` (after), `removed`
 * (before) or `changed` (both); the admin writes each as a sentence.
 */
const ruleChange = z.object({ kind: z.enum(['added', 'removed', 'changed']), path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });

export const versionDiffSchema = z.object({
  from: z.number(),
  to: z.number(),
  settings: z.array(settingChange),
  rule: z.array(ruleChange),
  /** The two rules as compared (canonical forms; a stored rule that no longer validates as it is). */
  ruleBefore: z.unknown(),
  ruleAfter: z.unknown(),
});

/** Where a past run's membership was read from, and whether it is whole. */
const membershipMeta = z.object({
  runId: z.number(),
  /** `events`: replayed from the enter/exit events up to the run; `snapshot`: its retained member rows. */
  source: z.enum(['events', 'snapshot']),
  /** The members found equal the count the run recorded (false: a customer since erased, whose rows erasure deleted). */
  complete: z.boolean(),
  customerCount: z.number().nullable(),
});

export const segmentHistoryApi = {
  history: endpoint({ method: 'GET', path: '/segments/:id/history', params: refParams, query: historyQuerySchema, response: pageOf(historyEntrySchema) }),
  diff: endpoint({ method: 'GET', path: '/segments/:id/versions/diff', params: refParams, query: diffQuerySchema, response: dataOf(versionDiffSchema) }),
  version: endpoint({ method: 'GET', path: '/segments/:id/versions/:version', params: versionParams, response: dataOf(versionSchema) }),
  /** A new version equal to the old one, through the same checks as an update; 409 when it is the current state. */
  restore: endpoint({
    method: 'POST',
    path: '/segments/:id/versions/:version/restore',
    params: versionParams,
    body: noBody,
    response: z.object({ data: savedSegmentSchema, meta: z.object({ version: versionSchema }) }),
  }),
  runMembers: endpoint({
    method: 'GET',
    path: '/segments/:id/runs/:run/members',
    params: runParams,
    query: runMembersQuerySchema,
    response: z.object({ data: z.array(memberSchema), meta: z.object({ pagination: paginationSchema, membership: membershipMeta }) }),
  }),
  compareRuns: endpoint({
    method: 'GET',
    path: '/segments/:id/runs/compare',
    params: refParams,
    query: compareQuerySchema,
    response: z.object({
      data: z.array(memberSchema),
      meta: z.object({
        pagination: paginationSchema,
        counts: z.object({ from: z.number(), to: z.number(), added: z.number(), removed: z.number(), kept: z.number() }),
        from: membershipMeta,
        to: membershipMeta,
      }),
    }),
  }),
};

export type SegmentVersion = z.infer<typeof versionSchema>;
export type VersionState = z.infer<typeof versionStateSchema>;
export type VersionDiff = z.infer<typeof versionDiffSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
