import path from 'path';
import type { Core } from '@strapi/strapi';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Boots the compiled app for a command-line script (seed, rebuilds, benchmarks): the database
 * from .env / the environment, no HTTP server, no demo data of its own, and no background jobs
 * (cron jobs, the automation inbox loop and outbox worker) unless `jobs` asks for them.
 */
export const bootStrapi = async ({ jobs = false }: { jobs?: boolean } = {}): Promise<Core.Strapi> => {
  process.env.DEMO_CUSTOMERS = '0';
  if (!jobs) process.env.CI_BACKGROUND_JOBS = 'off';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi');
  return createStrapi({ appDir: ROOT, distDir: path.join(ROOT, 'dist') }).load();
};

/** Minimal `--name value` / `--flag` parser for the scripts. */
export const parseArgs = (argv: string[]) => {
  const args: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (!token.startsWith('--')) throw new Error(`Unexpected argument "${token}"`);
    const [name, inline] = token.slice(2).split('=', 2);
    if (inline !== undefined) args[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args[name] = argv[(i += 1)];
    else args[name] = true;
  }
  return args;
};

/** Runs a script's main and exits: 0 when it resolves, 1 with its message when it throws. */
export const runScript = (main: () => Promise<void>) =>
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  );
