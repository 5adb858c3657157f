import type { Knex } from 'knex';
import { SYNC_KINDS, type SyncKind, type SyncMode } from '../../../../shared/contracts/sync';
import { TABLES, type HostTables } from '../../core/db/tables';
import type { JobContext } from '../../core/jobs/tracker';
import { diffPage, keyRow, pageEnd, readPage } from './rows';
import type { Rejection, SyncTarget } from './targets/types';

/** Rejections kept on a run (the count is exact; the reasons are the first ones). */
const KEEP_REJECTIONS = 100;

export type RunOptions = {
  /** Customers per page (one batch per kind and page). */
  pageSize: number;
  /** Tests: fail the run after this many batches were committed, as a crash would (the next start resumes it). */
  failAfterBatches?: number;
  /** Benchmarks: only these kinds (default all). */
  kinds?: readonly SyncKind[];
};

export class InjectedFailure extends Error {}

type RunRow = { id: number; destination_id: number; mode: SyncMode; kind_index: number; last_customer_id: number | null; prepared: boolean | number };

/** The ledger's fingerprints of `kind` for customers in (after, upTo]: what the destination holds. */
const ledgerPage = async (knex: Knex, destinationId: number, kind: SyncKind, after: number, upTo: number | null) => {
  const q = knex(TABLES.syncLedger).where({ destination_id: destinationId, kind }).where('customer_id', '>', after);
  if (upTo !== null) q.where('customer_id', '<=', upTo);
  const rows = await q.select('row_key', 'fingerprint');
  return new Map<string, string>(rows.map((r: any) => [r.row_key, r.fingerprint]));
};

const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * One sync run, resumable: kind by kind (scores, tags, members) and page by page of customer ids,
 * each page's changes against the ledger (what the destination was last sent) go out as one batch;
 * once the destination holds it, one source transaction records the ledger's new state and the
 * run's progress (kind, last customer id, counts). A crash between sending and that commit sends
 * the batch again on resume: at least once, and harmless, because every destination applies a
 * batch idempotently (upsert and delete by natural key; the same batch id; the same file name).
 * A full reload forgets the ledger first (so everything is sent) and has the target empty itself.
 */
export const runSync = async (knex: Knex, host: HostTables, runId: number, target: SyncTarget, ctx: Pick<JobContext, 'progress'>, options: RunOptions) => {
  const run: RunRow = await knex(TABLES.syncRuns).where({ id: runId }).first();
  const destinationId = Number(run.destination_id);
  await ctx.progress(0, 'preparing');
  await target.prepare({ id: runId, mode: run.mode, resumed: Boolean(run.prepared) });
  if (!run.prepared) {
    await knex.transaction(async (trx) => {
      if (run.mode === 'full') await trx(TABLES.syncLedger).where({ destination_id: destinationId }).delete();
      await trx(TABLES.syncRuns).where({ id: runId }).update({ prepared: true });
    });
  }
  const total = Math.max(1, Number((await knex(host.customers).count({ n: '*' }).first())?.n ?? 0));
  let committed = 0;
  for (let k = Number(run.kind_index); k < SYNC_KINDS.length; k++) {
    const kind = SYNC_KINDS[k];
    if (options.kinds && !options.kinds.includes(kind)) continue;
    let after = k === Number(run.kind_index) && run.last_customer_id !== null ? Number(run.last_customer_id) : 0;
    let pages = 0;
    await ctx.progress(k / SYNC_KINDS.length, `sending_${kind}`);
    for (;;) {
      const upTo = await pageEnd(knex, host, after, options.pageSize);
      const { upserts, deletes } = diffPage(await readPage(knex, host, kind, after, upTo), await ledgerPage(knex, destinationId, kind, after, upTo));
      let rejected: Rejection[] = [];
      if (upserts.length || deletes.length) {
        rejected = await target.send({
          id: `${runId}-${kind}-${after}`,
          runId,
          kind,
          mode: run.mode,
          upserts: upserts.map((u) => u.row),
          deletes: deletes.map((key) => keyRow(kind, key)),
        });
      }
      const refused = new Set(rejected.map((r) => r.key));
      const accepted = upserts.filter((u) => !refused.has(u.key));
      await knex.transaction(async (trx) => {
        for (const keys of chunks([...deletes, ...accepted.map((u) => u.key)], 500)) {
          await trx(TABLES.syncLedger).where({ destination_id: destinationId, kind }).whereIn('row_key', keys).delete();
        }
        for (const rows of chunks(accepted, 150)) {
          await trx(TABLES.syncLedger).insert(
            rows.map((u) => ({ destination_id: destinationId, kind, row_key: u.key, customer_id: u.customerId, fingerprint: u.fingerprint }))
          );
        }
        const current = await trx(TABLES.syncRuns).where({ id: runId }).first('rejections');
        const kept = [...JSON.parse(current?.rejections ?? '[]'), ...rejected.map((r) => ({ kind, ...r }))].slice(0, KEEP_REJECTIONS);
        await trx(TABLES.syncRuns)
          .where({ id: runId })
          .update({
            kind_index: upTo === null ? k + 1 : k,
            last_customer_id: upTo,
            batches: trx.raw('batches + ?', [upserts.length || deletes.length ? 1 : 0]),
            sent: trx.raw('sent + ?', [accepted.length]),
            deleted: trx.raw('deleted + ?', [deletes.length]),
            rejected: trx.raw('rejected + ?', [rejected.length]),
            rejections: JSON.stringify(kept),
          });
      });
      if (upserts.length || deletes.length) committed++;
      if (options.failAfterBatches !== undefined && committed >= options.failAfterBatches)
        throw new InjectedFailure(`stopped after ${committed} batches (test)`);
      pages++;
      if (upTo === null) break;
      after = upTo;
      await ctx.progress(Math.min(1, (k + Math.min(1, (pages * options.pageSize) / total)) / SYNC_KINDS.length));
    }
  }
};
