import crypto from 'crypto';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { withLock as WithLock } from '../../plugins/client-insights/server/src/core/db/dialect';
import { createFreshDatabase, dbClient, type FreshDatabase } from './databases';
import { templateOf } from './template';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The lock helper of the compiled plugin Strapi runs, not the source copy tests import: its
 * in-process half (all of it on SQLite) is then the one the app sees.
 */
export const appWithLock: typeof WithLock = (...args) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(`${ROOT}/plugins/client-insights/dist/server/src/core/db/dialect`).withLock(...args);

export type TestApp = {
  strapi: Core.Strapi;
  db: FreshDatabase;
  /** Base URL when started with `http: true`. */
  url: string;
  stop(): Promise<void>;
};

const secret = () => crypto.randomBytes(16).toString('base64');
/**
 * Field-encryption keys of the test process: one set per process, so test code that writes rows
 * directly (datasets, through field-crypto) and the app it boots read and write the same values.
 */
const FIELD_KEYS = `t1:${crypto.randomBytes(32).toString('base64')}`;
const HASH_KEY = crypto.randomBytes(32).toString('base64');

/** Environment a Strapi process needs besides the database: fresh secrets, no demo data, no admin UI. */
export const testEnv = (db: FreshDatabase, extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'test',
  APP_KEYS: [secret(), secret()].join(','),
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  JWT_SECRET: secret(),
  ENCRYPTION_KEY: secret(),
  CI_ENCRYPTION_KEYS: FIELD_KEYS,
  CI_HASH_KEY: HASH_KEY,
  CI_LINK_KEY: HASH_KEY,
  SERVE_ADMIN: 'false',
  DEMO_CUSTOMERS: '0',
  STRAPI_TELEMETRY_DISABLED: 'true',
  BROWSER: 'false',
  HOST: '127.0.0.1',
  PORT: '0',
  ...db.env,
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no query is running or waiting for a connection: a write's after-commit work
 * (Strapi's event emission, the metrics drain) may still be in flight when the test's last await
 * returns, and destroying the pool under it leaves a query waiting for a connection forever.
 */
const settle = async (strapi: Core.Strapi, timeoutMs = 15_000) => {
  const pool = (strapi.db.connection.client as any).pool;
  await sleep(200);
  const deadline = Date.now() + timeoutMs;
  while ((pool.numUsed() > 0 || pool.numPendingAcquires() > 0) && Date.now() < deadline) await sleep(100);
};

/**
 * Boots the real app (compiled host in dist/, compiled plugin) against a fresh database: a copy of
 * the run's template (the schema of a first boot, no rows: template.ts) when there is one, or with
 * `emptyDatabase` a database without even the schema, for tests of what a first boot builds.
 * One per test file: Strapi keeps a global instance.
 */
export const startStrapi = async ({ http = false, env = {} as Record<string, string>, emptyDatabase = false } = {}): Promise<TestApp> => {
  const db = await createFreshDatabase(dbClient(), emptyDatabase ? null : templateOf());
  Object.assign(process.env, testEnv(db, env));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi');
  let strapi: Core.Strapi;
  try {
    strapi = await createStrapi({ appDir: ROOT, distDir: path.join(ROOT, 'dist') }).load();
  } catch (error) {
    await db.drop().catch(() => undefined);
    throw error;
  }
  strapi.log.level = process.env.TEST_LOG_LEVEL ?? 'warn';
  let url = '';
  if (http) {
    await strapi.server.mount();
    await new Promise<void>((resolve) => strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
    // A test that computes for seconds between two requests keeps the event loop busy past the
    // server's 5 s keep-alive: its next fetch could reuse the socket the server was closing
    // (ECONNRESET, seen under load). Idle connections stay open longer than any such stretch.
    strapi.server.httpServer.keepAliveTimeout = 30_000;
    const address = strapi.server.httpServer.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  }
  return {
    strapi,
    db,
    url,
    async stop() {
      await settle(strapi);
      await strapi.destroy();
      await db.drop();
    },
  };
};

/** A super admin and a JWT for the admin API. */
export const adminSession = async (app: TestApp, email = 'admin@test.local', password = 'Admin12345!') => {
  const { strapi } = app;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  const existing = await strapi.db.query('admin::user').findOne({ where: { email } });
  if (!existing) {
    await strapi.service('admin::user').create({
      email,
      firstname: 'Test',
      lastname: 'Admin',
      password,
      isActive: true,
      roles: [superAdmin.id],
    });
  }
  const res = await fetch(`${app.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: { token: string } };
  return body.data.token;
};

/** A full-access content API token. */
export const apiToken = async (app: TestApp, type: 'full-access' | 'read-only' = 'full-access') => {
  const token = await app.strapi.service('admin::api-token').create({
    name: `test-${type}-${crypto.randomBytes(3).toString('hex')}`,
    type,
    lifespan: null,
  });
  return token.accessKey as string;
};

type Grant = string | { action: string; subject: string; fields?: string[] };

/**
 * An admin whose only role grants the given permissions, and its JWT: a bare string is a Client
 * Insights action (`export`), an object any action on a subject (content-manager on a type).
 */
export const restrictedSession = async (app: TestApp, grants: Grant[]) => {
  const { strapi } = app;
  const tag = `${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;
  const role = await strapi.service('admin::role').create({ name: `Restricted ${tag}`, description: 'test' });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    grants.map((g) =>
      typeof g === 'string'
        ? { action: `plugin::client-insights.${g}`, subject: null, properties: {}, conditions: [] }
        : { action: g.action, subject: g.subject, properties: g.fields ? { fields: g.fields } : {}, conditions: [] }
    )
  );
  const email = `restricted-${tag}@test.local`;
  const password = 'Restricted12345!';
  await strapi.service('admin::user').create({ email, firstname: 'R', lastname: 'U', password, isActive: true, roles: [role.id] });
  const res = await fetch(`${app.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login of ${email} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as any).data.token as string;
};

/** Calls a plugin admin route (`/client-insights…`) with an admin JWT; the JSON answer parsed (null when empty). */
export const pluginCall = async (app: TestApp, token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${app.url}/client-insights${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
