import { spawn, type ChildProcess } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

const secret = () => crypto.randomBytes(16).toString('base64');

export type Server = { url: string; stop(): Promise<void>; log(): string };

const waitFor = async (url: string, child: ChildProcess, timeoutMs: number, log: () => string) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Strapi exited with ${child.exitCode}:\n${log().slice(-4000)}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`Strapi did not answer ${url} within ${timeoutMs / 1000}s:\n${log().slice(-4000)}`);
};

/**
 * `strapi start` (the built admin in dist/build and the compiled server) on its own database:
 * `database` is config/database.ts's environment (DATABASE_CLIENT and its connection: a SQLite
 * file, or a fresh PostgreSQL / MySQL database). A new database is seeded by the first start
 * (DEMO_CUSTOMERS) and the super admin comes from ADMIN_EMAIL / ADMIN_PASSWORD; an existing one
 * (E2E_DB) is reused as is.
 */
export const startServer = async ({
  database,
  port,
  customers,
  admin,
}: {
  database: Record<string, string>;
  port: number;
  customers: number;
  admin: { email: string; password: string };
}): Promise<Server> => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'build', 'index.html'))) {
    throw new Error('The admin is not built: run `npm run build` first.');
  }
  if (database.DATABASE_FILENAME) fs.mkdirSync(path.dirname(database.DATABASE_FILENAME), { recursive: true });
  let output = '';
  // As `npm start` runs it: under package.json's heap limit.
  const child = spawn(process.execPath, ['--max-old-space-size=512', path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      TZ: 'UTC',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...database,
      DEMO_CUSTOMERS: String(customers),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      APP_KEYS: process.env.APP_KEYS ?? [secret(), secret()].join(','),
      API_TOKEN_SALT: process.env.API_TOKEN_SALT ?? secret(),
      ADMIN_JWT_SECRET: process.env.ADMIN_JWT_SECRET ?? secret(),
      TRANSFER_TOKEN_SALT: process.env.TRANSFER_TOKEN_SALT ?? secret(),
      JWT_SECRET: process.env.JWT_SECRET ?? secret(),
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? secret(),
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_DISABLE_UPDATE_NOTIFICATION: 'true',
      BROWSER: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  try {
    await waitFor(`${url}/_health`, child, 15 * 60_000, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop, log: () => output };
};
