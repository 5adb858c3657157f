import { deliverHttp } from '../../automation/actions/http-delivery';
import { DeliveryError } from '../../automation/actions/types';
import { signedHeaders } from '../../automation/actions/webhook';
import type { SyncBatch, SyncTarget } from './types';

/** Attempts per batch before the run stops (it resumes from this batch next time), and the first wait between them. */
const ATTEMPTS = 4;
const FIRST_WAIT_MS = 500;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON a webhook receives for one batch: its id (also the webhook-id header), the run, the kind and mode, rows to upsert and keys to delete. */
export const batchBody = (batch: SyncBatch) =>
  JSON.stringify({
    type: 'client-insights.sync.batch',
    batchId: batch.id,
    runId: batch.runId,
    kind: batch.kind,
    mode: batch.mode,
    upserts: batch.upserts,
    deletes: batch.deletes,
  });

/**
 * A webhook: each batch is one POST, signed like automation's webhooks (Standard Webhooks, the
 * same headers and HTTP delivery), with the batch id as webhook-id, stable across retries and a
 * resumed run, so the receiver can drop a batch it already applied. A transient failure (network,
 * timeout, 408/429/5xx) is retried with growing waits; a permanent one (another 4xx) stops the run.
 * A full reload is announced by `mode: "full"` on every batch; the receiver replaces what it held.
 */
export const webhookTarget = (url: string, secret: string): SyncTarget => ({
  prepare: async () => undefined,
  async send(batch) {
    const body = batchBody(batch);
    for (let attempt = 1; ; attempt++) {
      try {
        // Signed at each send: the same id with a fresh timestamp.
        await deliverHttp({ url, method: 'POST', headers: signedHeaders(secret, batch.id, new Date(), body), body }, new Date());
        return [];
      } catch (error) {
        if (!(error instanceof DeliveryError) || !error.transient || attempt >= ATTEMPTS) throw error;
        await wait(Math.min(error.retryAfterMs ?? FIRST_WAIT_MS * 2 ** (attempt - 1), 30_000));
      }
    }
  },
  close: async () => undefined,
});
