#!/usr/bin/env node
/**
 * Writes .env with freshly generated secrets on first run (it is git-ignored).
 * Existing values are kept; only missing keys are added, so re-running is harmless.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const file = path.resolve(__dirname, '..', '.env');
const secret = () => crypto.randomBytes(16).toString('base64');
/** A 256-bit key for the field encryption (plugin core/security/field-crypto.ts). */
const key256 = () => crypto.randomBytes(32).toString('base64');

const wanted = {
  HOST: () => '0.0.0.0',
  PORT: () => '1337',
  APP_KEYS: () => [secret(), secret(), secret(), secret()].join(','),
  API_TOKEN_SALT: secret,
  ADMIN_JWT_SECRET: secret,
  TRANSFER_TOKEN_SALT: secret,
  JWT_SECRET: secret,
  ENCRYPTION_KEY: secret,
  // Customer email, phone and notes are encrypted at rest: "id:key,…", the first encrypts, all decrypt.
  CI_ENCRYPTION_KEYS: () => `k${Date.now().toString(36)}:${key256()}`,
  // The keyed hash beside encrypted email and phone (equality rules compare it).
  CI_HASH_KEY: key256,
  // Signs automation email's unsubscribe links, tracking pixel, tracked links and Message-IDs.
  CI_LINK_KEY: key256,
  // The shared secret an email provider's delivery/bounce/complaint webhook sends (x-webhook-secret).
  CI_EMAIL_WEBHOOK_SECRET: key256,
  // The bearer token Prometheus scrapes /api/client-insights/metrics with (plugin modules/monitoring).
  CI_METRICS_TOKEN: () => crypto.randomBytes(24).toString('base64url'),
  DATABASE_CLIENT: () => 'sqlite',
  DATABASE_FILENAME: () => '.tmp/data.db',
};

const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
const present = new Set(
  existing
    .split('\n')
    .map((line) => line.split('=')[0].trim())
    .filter(Boolean)
);
const missing = Object.keys(wanted).filter((key) => !present.has(key));
if (missing.length > 0) {
  const lines = missing.map((key) => `${key}=${wanted[key]()}`);
  const prefix = existing && !existing.endsWith('\n') ? '\n' : '';
  fs.writeFileSync(file, existing + prefix + lines.join('\n') + '\n', { mode: 0o600 });
  console.log(`[client-insights] wrote ${missing.length} new setting(s) to .env: ${missing.join(', ')}`);
}
