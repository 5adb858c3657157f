import type { Core } from '@strapi/strapi';
import type { JobKind } from '../../../../shared/enums';
import { createJobTracker, type JobContext } from '../jobs/tracker';
import { hostTables } from '../db/tables';
import { keyring } from './field-crypto';
import { countNeedingReencryption, needsReencryption, reencryptBatch } from './stored-contacts';

/**
 * Key rotation and the first encryption of older data, as one tracked job (core/jobs, kind
 * `fields.reencrypt`): batch by batch in id order, every customer whose email, phone or notes is
 * plain or under an older key is rewritten under the current key (the first of
 * CI_ENCRYPTION_KEYS) with its hashes. Each batch commits on its own; the rows left are found by
 * their key id, so a stopped or cancelled job resumes where it stopped when started again.
 *
 * Started by bootstrap when some row needs it (an upgrade, a new current key) and by
 * `npm run crypto:reencrypt` (scripts/crypto-reencrypt.ts), which waits for it.
 */
export const REENCRYPT_JOB: JobKind = 'fields.reencrypt';
const BATCH = 500;

export type ReencryptResult = { keyId: string; rewritten: number };

const work =
  (strapi: Core.Strapi) =>
  async (ctx: JobContext): Promise<ReencryptResult> => {
    const knex = strapi.db.connection;
    const table = hostTables(strapi).customers;
    const keyId = keyring().current;
    const total = await countNeedingReencryption(knex, table);
    await ctx.progress(0, 'encrypting');
    let rewritten = 0;
    let read = 0;
    let afterId = 0;
    for (;;) {
      const { lastId, changed } = await reencryptBatch(knex, afterId, BATCH, table);
      if (lastId === null) break;
      afterId = lastId;
      rewritten += changed;
      read += BATCH;
      await ctx.progress(total > 0 ? Math.min(read / total, 0.99) : 0.99);
    }
    return { keyId, rewritten };
  };

/** Starts the job in the background (or answers the one already running) and returns its id. */
export const startReencryption = async (strapi: Core.Strapi, requestedBy: number | null = null): Promise<number> => {
  const tracker = createJobTracker(strapi.db.connection, strapi.log);
  const running = await tracker.active(REENCRYPT_JOB);
  if (running) return running.id;
  return tracker.start(REENCRYPT_JOB, { keyId: keyring().current }, work(strapi), requestedBy);
};

/** At startup: re-encrypts in the background when some stored value is not under the current key. */
export const reencryptIfNeeded = async (strapi: Core.Strapi) => {
  if (!(await needsReencryption(strapi.db.connection, hostTables(strapi).customers))) return null;
  strapi.log.info(`[client-insights] some customer contact data is not under encryption key "${keyring().current}": re-encrypting in the background`);
  return startReencryption(strapi);
};
