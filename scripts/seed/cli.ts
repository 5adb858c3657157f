import { bootStrapi, parseArgs } from '../lib/boot';
import { seedDemoData } from './seed';

const USAGE = 'usage: npm run seed -- --customers N [--seed S] [--reset] [--anchor YYYY-MM-DD]';

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const customers = Number(args.customers);
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`--customers must be a whole number ≥ 0\n${USAGE}`);
  const anchor = typeof args.anchor === 'string' ? new Date(`${args.anchor}T00:00:00Z`) : undefined;
  if (anchor && Number.isNaN(anchor.getTime())) throw new Error(`--anchor must be a date like 2026-11-22\n${USAGE}`);

  const strapi = await bootStrapi();
  try {
    const result = await seedDemoData(strapi.db.connection, {
      customers,
      seed: typeof args.seed === 'string' ? args.seed : 42,
      reset: args.reset === true,
      anchor,
      log: (m) => process.stdout.write(`\r${m}   `),
    });
    process.stdout.write('\n');
    const rebuildStarted = Date.now();
    const metrics = strapi.plugin('client-insights').service('metrics') as { rebuild?: () => Promise<unknown> } | undefined;
    if (metrics?.rebuild) await metrics.rebuild();
    console.log(
      `seeded ${result.customers} customers, ${result.orders} orders, ${result.interactions} interactions, ` +
        `${result.tagAssignments} tag assignments in ${(result.ms / 1000).toFixed(1)} s; ` +
        `metrics rebuilt in ${((Date.now() - rebuildStarted) / 1000).toFixed(1)} s`
    );
  } finally {
    await strapi.destroy();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
);
