import { bootStrapi, parseArgs, runScript } from './lib/boot';
import { seedWithMetrics } from '../src/demo-data/seed';

const USAGE = 'usage: npm run seed -- --customers N [--seed S] [--reset] [--anchor YYYY-MM-DD]';

const main = async () => {
  const args = parseArgs(process.argv.slice(2));
  const customers = Number(args.customers);
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`--customers must be a whole number ≥ 0\n${USAGE}`);
  const anchor = typeof args.anchor === 'string' ? new Date(`${args.anchor}T00:00:00Z`) : undefined;
  if (anchor && Number.isNaN(anchor.getTime())) throw new Error(`--anchor must be a date like 2026-11-22\n${USAGE}`);

  const strapi = await bootStrapi();
  try {
    const result = await seedWithMetrics(strapi, {
      customers,
      seed: typeof args.seed === 'string' ? args.seed : 42,
      reset: args.reset === true,
      anchor,
      log: (m) => process.stdout.write(m.includes('generated') ? `\r${m}   ` : `\n${m}`),
    });
    process.stdout.write('\n');
    console.log(
      `seeded ${result.customers} customers, ${result.orders} orders, ${result.interactions} interactions, ` +
        `${result.tagAssignments} tag assignments in ${(result.ms / 1000).toFixed(1)} s; ` +
        `metrics rebuilt in ${(result.rebuildMs / 1000).toFixed(1)} s`
    );
  } finally {
    await strapi.destroy();
  }
};

runScript(main);
