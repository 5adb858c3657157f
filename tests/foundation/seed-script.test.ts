import { spawnSync } from 'child_process';
import path from 'path';
import { createFreshDatabase, type FreshDatabase } from '../helpers/databases';
import { testEnv } from '../helpers/strapi';

/**
 * `npm run seed` as a user runs it, on a new database: the schema step boots the app, the rows go
 * in over the connection built from the app's own config, and the rollup step boots it again. On
 * PostgreSQL and MariaDB the database does not exist yet: the seed creates it.
 */
const ROOT = path.resolve(__dirname, '..', '..');

describe('npm run seed', () => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await createFreshDatabase();
    if (db.client !== 'sqlite') await db.drop();
  });
  afterAll(async () => db?.drop());

  const seed = (...args: string[]) =>
    spawnSync(process.execPath, ['--max-old-space-size=256', 'scripts/run-ts.js', 'scripts/seed.ts', ...args], {
      cwd: ROOT,
      // The secrets a first start would write into .env (a clean clone has none yet).
      env: { ...process.env, ...testEnv(db), LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 240_000,
    });

  it('seeds a new database and rebuilds the rollup for every customer; a bad argument is refused', async () => {
    const run = seed('--customers', '60', '--seed', '5', '--anchor', '2026-06-30');
    // The status with what the script said, so a failure shows why.
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/error/i) });
    expect(run.stdout).toMatch(/seeded 60 customers, \d+ orders, \d+ interactions, \d+ tag assignments/);
    expect(run.stdout).toMatch(/metrics rebuilt in [\d.]+ s/);
    if (db.client !== 'sqlite') expect(run.stdout).toContain(`created database ${db.env.DATABASE_NAME}`);
    const knex = db.connect();
    try {
      const count = async (table: string) => Number((await knex(table).count({ n: '*' }).first())?.n);
      expect(await count('customers')).toBe(60);
      expect(await count('ci_customer_metrics')).toBe(60);
      // Contact data went in encrypted, as the app's own writes store it.
      const row = await knex('customers').whereNotNull('email').first('email');
      expect(String(row.email)).not.toMatch(/@/);
    } finally {
      await knex.destroy();
    }

    const refused = seed('--customers', 'many');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--customers must be a whole number/);
  });
});
