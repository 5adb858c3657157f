import type { SyncKind, SyncMode } from '../../../../../shared/contracts/sync';
import type { SyncRow } from '../rows';

/**
 * One batch: the changes of one kind of rows for one page of customers. Its id is the run, the
 * kind and the page's first customer id, so a batch sent again (a retry, a resumed run) carries
 * the same id and the destination can recognise it.
 */
export type SyncBatch = { id: string; runId: number; kind: SyncKind; mode: SyncMode; upserts: SyncRow[]; deletes: SyncRow[] };
export type Rejection = { key: string; reason: string };

/** Where a run sends its batches. `send` resolves once the destination holds the batch (or refused some of its rows, answered). */
export type SyncTarget = {
  /** Makes the destination ready (a warehouse's tables); a full reload empties what it held first. */
  prepare(run: { id: number; mode: SyncMode; resumed: boolean }): Promise<void>;
  send(batch: SyncBatch): Promise<Rejection[]>;
  close(): Promise<void>;
};
