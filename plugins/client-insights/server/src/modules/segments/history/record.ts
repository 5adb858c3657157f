import type { Core } from '@strapi/strapi';
import { actorOf } from '../../../core/audit/documents';
import { UID } from '../../../core/constants';
import { hostTables } from '../../../core/db/tables';
import { backfill, currentState, recordVersion, type VersionSource } from './versions';

const WRITES = new Set(['create', 'update', 'clone']);

/** Set on a request by the restore route: the version its update copies (service.ts). */
export const RESTORING = 'clientInsightsRestoring';

/** Which path a write came by: the plugin's routes (respond() marks them), the content manager, REST, GraphQL, or no request at all. */
const sourceOf = (ctx: any): VersionSource => {
  if (!ctx) return 'system';
  if (ctx.state?.[RESTORING]) return 'restore';
  if (ctx.state?.clientInsightsAudited) return 'plugin';
  const path = String(ctx.request?.path ?? ctx.path ?? '');
  if (path.startsWith('/content-manager/')) return 'content-manager';
  if (path.startsWith('/graphql')) return 'graphql';
  if (path.startsWith('/api/')) return 'rest';
  return 'other';
};

/**
 * Every write of a segment through the Document Service — the plugin's services, the content
 * manager, REST, GraphQL, scripts — records the state it leaves as a version, in the write's own
 * transaction (a version exists exactly when the change committed). Registered last, so it is the
 * innermost middleware and the write's checks (validation, visibility) have passed. A segment
 * without versions gets version 1 from its state before the change (backfill).
 */
export const recordSegmentVersions = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context: any, next: () => Promise<any>) => {
    if (context.uid !== UID.segment || !WRITES.has(context.action)) return next();
    const ctx: any = strapi.requestContext.get();
    return strapi.db.transaction(async ({ trx }) => {
      const tables = hostTables(strapi);
      const documentId = context.action === 'update' ? context.params?.documentId : undefined;
      if (documentId) {
        const before = await currentState(trx, tables, { documentId });
        if (before) await backfill(trx, tables, before.segmentId);
      }
      const result = await next();
      const written = documentId ?? result?.documentId;
      const after = written ? await currentState(trx, tables, { documentId: written }) : null;
      if (after) {
        await recordVersion(trx, after.segmentId, after.state, {
          actor: actorOf(ctx),
          source: sourceOf(ctx),
          restoredFrom: ctx?.state?.[RESTORING] ?? null,
        });
      }
      return result;
    });
  });
};
