import type { Core } from '@strapi/strapi';
import type { AuditFilter } from '../../../../shared/contracts/audit';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { bindDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { AUDIT_KEEP_DAYS, purgeAudit, toAuditRow } from '../../core/audit/log';
import { csvStream } from '../segments/csv';
import { getService } from '../../get-service';

const EXPORT_BATCH = 1000;
const PURGE_SCHEDULE = 'audit.purge';
const COLUMNS = ['id', 'at', 'actorType', 'actorId', 'action', 'targetType', 'targetId', 'status', 'ip', 'userAgent', 'details'] as const;

/** Reading the audit log (core/audit writes it): filtered pages, a CSV of a filter, and the retention purge. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const keepDays = () => Number(strapi.config.get(`plugin::${PLUGIN_ID}.audit.keepDays`, AUDIT_KEEP_DAYS)) || AUDIT_KEEP_DAYS;

  const filtered = (filter: AuditFilter) => {
    const k = knex();
    const q = k(TABLES.auditLog);
    if (filter.actorType) q.where('actor_type', filter.actorType);
    if (filter.actorId !== undefined) q.where('actor_id', filter.actorId);
    if (filter.action) q.where('action', 'like', `%${filter.action}%`);
    if (filter.targetType) q.where('target_type', filter.targetType);
    if (filter.targetId) q.where('target_id', filter.targetId);
    if (filter.from) q.where('at', '>=', bindDate(k, new Date(filter.from)));
    if (filter.to) q.where('at', '<', bindDate(k, new Date(filter.to)));
    return q;
  };

  return {
    /** Newest first. */
    async list(query: AuditFilter & { page: number; pageSize: number }) {
      const { page, pageSize, ...filter } = query;
      const total = Number((await filtered(filter).count({ n: '*' }).first())?.n ?? 0);
      const rows = await filtered(filter)
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return { data: rows.map(toAuditRow), meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
    },

    /** The entries of a filter as CSV, newest first, streamed by id keyset. */
    async exportCsv(filter: AuditFilter) {
      async function* batches(this: void) {
        let before: number | null = null;
        for (;;) {
          const q = filtered(filter);
          if (before !== null) q.where('id', '<', before);
          const rows = await q.orderBy('id', 'desc').limit(EXPORT_BATCH);
          if (rows.length === 0) return;
          yield rows.map((r: any) => {
            const row = toAuditRow(r);
            return { ...row, details: row.details === null ? null : JSON.stringify(row.details) };
          });
          before = Number(rows[rows.length - 1].id);
        }
      }
      return csvStream(COLUMNS as unknown as string[], batches() as AsyncIterable<Record<string, unknown>[]>);
    },

    purge: (now = new Date()) => purgeAudit(knex(), keepDays(), now),

    /** Bootstrap: entries older than the kept days are deleted once a day. */
    schedulePurge() {
      getService(strapi, 'scheduler').schedule({ name: PURGE_SCHEDULE, cron: '41 3 * * *', run: async () => void (await purgeAudit(knex(), keepDays())) });
    },
  };
};
