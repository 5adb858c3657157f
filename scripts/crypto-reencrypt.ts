import { bootStrapi, runScript } from './lib/boot';
import { createJobTracker } from '../plugins/client-insights/server/src/core/jobs/tracker';
import { startReencryption } from '../plugins/client-insights/server/src/core/security/reencrypt';

/**
 * `npm run crypto:reencrypt`: after putting a new key first in CI_ENCRYPTION_KEYS (keep the old one
 * listed until this finishes), rewrites every customer's contact data under the new key as a
 * tracked job, batch by batch, and waits for it. Safe to run again: it resumes where it stopped.
 */
const main = async () => {
  const strapi = await bootStrapi();
  try {
    const id = await startReencryption(strapi);
    const tracker = createJobTracker(strapi.db.connection, strapi.log);
    for (;;) {
      const job = await tracker.get(id);
      if (!job || !['queued', 'running'].includes(job.status)) {
        console.log(`\nre-encryption job #${id}: ${job?.status ?? 'gone'} ${JSON.stringify(job?.result ?? job?.error ?? null)}`);
        if (job?.status !== 'success') throw new Error(`re-encryption job #${id} did not succeed`);
        return;
      }
      process.stdout.write(`\rre-encryption job #${id}: ${Math.round(job.progress * 100)}%   `);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await strapi.destroy();
  }
};

runScript(main);
