import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { recordAuditOf, type AuditActor } from './log';

/** Content types whose changes outside the plugin's routes are audited with their state before and after. */
const AUDITED: Record<string, string> = { [UID.segment]: 'segments', [UID.tag]: 'tags', [UID.automationRule]: 'automation-rules' };
const WRITES = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Marks a request the plugin's respond() records itself, so its inner document writes are not recorded twice. */
export const markAudited = (ctx: any) => {
  if (ctx?.state) ctx.state.clientInsightsAudited = true;
};

/** Who made the request: the admin user, the API token, or nobody (a system job). */
export const actorOf = (ctx: any): AuditActor => {
  const user = ctx?.state?.user;
  if (ctx?.state?.auth?.strategy?.name === 'admin' && user?.id) return { type: 'admin', id: Number(user.id) };
  if (ctx?.state?.auth) return { type: 'api', id: ctx.state.auth.credentials?.id ?? null };
  return { type: 'system' };
};

/** A document as the log keeps it: its fields (a rule is JSON and stays), without the admin users who made it. */
const OMITTED = new Set(['createdBy', 'updatedBy', 'localizations']);
const plain = (doc: any) => (doc && typeof doc === 'object' ? Object.fromEntries(Object.entries(doc).filter(([k]) => !OMITTED.has(k))) : null);

/**
 * Writes to segments, tags and automation rules through the content manager, REST or GraphQL
 * (anything but the plugin's own routes, which respond() records) go to the audit log with the
 * document before and after, so a changed rule can be traced to who changed it from what.
 */
export const auditDocumentWrites = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context: any, next: () => Promise<unknown>) => {
    const targetType = AUDITED[context.uid];
    if (!targetType || !WRITES.has(context.action)) return next();
    const ctx = strapi.requestContext.get() as any;
    if (ctx?.state?.clientInsightsAudited) return next();
    const documentId = context.params?.documentId ?? null;
    const before = documentId ? await strapi.documents(context.uid).findOne({ documentId }) : null;
    const after: any = await next();
    const write = () =>
      recordAuditOf(
        strapi.db.connection,
        {
          actor: actorOf(ctx),
          action: `${context.action} ${context.uid}`,
          targetType,
          targetId: documentId ?? after?.documentId ?? null,
          status: null,
          ip: ctx?.request?.ip ?? null,
          userAgent: ctx?.get?.('user-agent') || null,
          details: { before: plain(before), after: plain(after), path: ctx?.request?.path ?? null },
        },
        `${context.action} ${context.uid}`,
        strapi.log
      );
    // Inside a caller's transaction the entry is written once that commits, and not at all if it
    // rolls back. Written beside it instead, on SQLite it would wait for the only connection, which
    // the transaction holds, until the pool gave up (with the retries, minutes).
    if (strapi.db.inTransaction()) await strapi.db.transaction(async ({ onCommit }: any) => onCommit(() => void write()));
    else await write();
    return after;
  });
};
