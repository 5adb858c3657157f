import { CSV, type Endpoint } from '../../../../shared/contracts/http';
import { seesContact, type Viewer } from '../http/viewer';
import { deeperThan, MAX_STORED_DEPTH } from '../security/stored-json';
import { recordAuditOf, viewerActor } from './log';

/** The largest request detail kept per entry (characters of JSON); longer ones are cut and marked. */
const MAX_DETAILS = 20_000;

/**
 * Whether an answered request goes to the audit log: every write, every file, sensitive reads by
 * those who see them (an admin with `sensitive.view`, or an API token granted it).
 */
const audited = (endpoint: Endpoint, viewer: Viewer) =>
  endpoint.method !== 'GET' || endpoint.response === CSV || (endpoint.audit === 'sensitive' && seesContact(viewer));

/** Keys whose values are secrets (a sync warehouse's password, a signing secret): never recorded. */
const SECRET_KEYS = /^(password|secret)$/i;
const withoutSecrets = (value: unknown, depth = 0): unknown => {
  if (depth > MAX_STORED_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : withoutSecrets(v, depth + 1)]));
};

const detailsOf = (input: { params?: unknown; query?: unknown; body?: unknown }) => {
  const details = { params: input.params ?? null, query: input.query ?? null, body: withoutSecrets(input.body ?? null) };
  // A hostile body nested thousands of levels is not kept: serialising it would overflow the stack
  // here, and stored it would overflow the stack of whoever reads the log.
  if (deeperThan(details, MAX_STORED_DEPTH)) return { truncated: true, reason: `nested deeper than ${MAX_STORED_DEPTH} levels` };
  // Contact data in it is replaced by keyed hashes when it is recorded (log.ts).
  const text = JSON.stringify(details);
  return text.length <= MAX_DETAILS ? details : { truncated: true, head: text.slice(0, MAX_DETAILS) };
};

/**
 * Records one answered plugin request (respond.ts calls it for every endpoint, refusals included):
 * who (admin user or API token), what (the route), on which target (the first path segment and
 * the `:id` / `:jobId` parameter), the status, from where (IP, user agent) and what was asked.
 * A failure to record is logged, not answered: the operation itself has already happened.
 */
export const auditRequest = async (ctx: any, endpoint: Endpoint, viewer: Viewer, input: { params?: any; query?: unknown; body?: unknown }, status: number) => {
  if (!audited(endpoint, viewer)) return;
  const strapi = (globalThis as any).strapi;
  if (!strapi?.db) return;
  const id = input.params?.id ?? input.params?.jobId;
  const entry = {
    actor: viewerActor(viewer, ctx.state?.auth?.credentials?.id ?? null),
    action: `${endpoint.method} ${endpoint.path}`,
    targetType: endpoint.path.split('/')[1] ?? null,
    targetId: id === undefined || id === null ? null : String(id),
    status,
    ip: ctx.request?.ip ?? null,
    userAgent: ctx.get?.('user-agent') || null,
    details: detailsOf(input),
  };
  await recordAuditOf(strapi.db.connection, entry, `${endpoint.method} ${endpoint.path}`, strapi.log);
};
