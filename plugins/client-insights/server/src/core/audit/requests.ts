import { CSV, type Endpoint } from '../../../../shared/contracts/http';
import { seesContact, type Viewer } from '../http/viewer';
import { redactContacts } from '../security/field-crypto';
import { deeperThan, MAX_STORED_DEPTH } from '../security/stored-json';
import { recordAudit, type AuditActor } from './log';

/** The largest request detail kept per entry (characters of JSON); longer ones are cut and marked. */
const MAX_DETAILS = 20_000;

/** Whether an answered request goes to the audit log: every write, every file, sensitive reads by those who see them. */
const audited = (endpoint: Endpoint, viewer: Viewer) =>
  endpoint.method !== 'GET' || endpoint.response === CSV || (endpoint.audit === 'sensitive' && viewer.kind === 'admin' && seesContact(viewer));

const actorOf = (ctx: any, viewer: Viewer): AuditActor =>
  viewer.kind === 'admin' ? { type: 'admin', id: viewer.userId } : { type: 'api', id: ctx.state?.auth?.credentials?.id ?? null };

const detailsOf = (input: { params?: unknown; query?: unknown; body?: unknown }) => {
  const details = { params: input.params ?? null, query: input.query ?? null, body: input.body ?? null };
  // Contact data asked for (a rule's literals, a search) is kept as keyed hashes: the log stays free of plaintext contact data.
  const text = redactContacts(JSON.stringify(details));
  // A hostile body nested thousands of levels is kept as text: as JSON it would overflow the stack of whoever reads the log.
  const asText = { truncated: true, head: text.slice(0, MAX_DETAILS) };
  if (text.length > MAX_DETAILS || deeperThan(details, MAX_STORED_DEPTH)) return asText;
  try {
    return JSON.parse(text);
  } catch {
    // A redaction next to an escape (`\nli@x.cn`) can leave text that is no longer JSON: kept as text.
    return asText;
  }
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
  try {
    await recordAudit(strapi.db.connection, {
      actor: actorOf(ctx, viewer),
      action: `${endpoint.method} ${endpoint.path}`,
      targetType: endpoint.path.split('/')[1] ?? null,
      targetId: id === undefined || id === null ? null : String(id),
      status,
      ip: ctx.request?.ip ?? null,
      userAgent: ctx.get?.('user-agent') || null,
      details: detailsOf(input),
    });
  } catch (error) {
    strapi.log.error(`[client-insights] audit: could not record ${endpoint.method} ${endpoint.path}: ${(error as Error).message}`);
  }
};
