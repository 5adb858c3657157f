import crypto from 'crypto';
import { SENSITIVE_CUSTOMER_FIELDS } from '../../../../shared/sensitive';

/**
 * Encryption at rest of the customer's sensitive fields (shared/sensitive.ts: email, phone, notes),
 * the one place that knows the stored format and the keys (docs/architecture.md, "Encryption at rest").
 *
 * A stored value is `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts): AES-256-GCM with a
 * random 96-bit IV, so the same email encrypts differently each time and a changed byte fails the
 * tag check. The key id names the key, so keys can be rotated: the first key of
 * CI_ENCRYPTION_KEYS ("id:base64key,…") encrypts, every listed key decrypts.
 *
 * Equality still works in SQL through a keyed hash stored beside email and phone (`email_hash`,
 * `phone_hash`): HMAC-SHA256 with CI_HASH_KEY over the normalised value (an email trimmed and
 * lower-cased, a phone's digits), so `==` and `in` on these fields compare hashes and ignore case
 * and punctuation. Text search inside them is impossible by design.
 *
 * Pure (no Strapi): the lifecycles, the plugin's knex readers, the seeder and the tests use it alike.
 */

export const ENCRYPTED_FIELDS = SENSITIVE_CUSTOMER_FIELDS;

/** Fields with a keyed hash column beside them, and that column. */
export const HASH_COLUMNS = { email: 'email_hash', phone: 'phone_hash' } as const;
export type HashedField = keyof typeof HASH_COLUMNS;
export const HASHED_FIELDS = Object.keys(HASH_COLUMNS) as HashedField[];
export const isHashedField = (name: string): name is HashedField => name in HASH_COLUMNS;

const PREFIX = 'enc:v1:';
/** Key ids: no `_` or `%`, so a key id is also a literal LIKE prefix (stored-contacts.ts finds values under other keys by it). */
const KEY_ID = /^[A-Za-z0-9-]{1,16}$/;

/** A stored value that cannot be read: tampered, truncated, or under a key no longer configured. */
export class FieldCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldCryptoError';
  }
}

export type Keyring = { current: string; keys: ReadonlyMap<string, Buffer>; hashKey: Buffer };

/** Parses CI_ENCRYPTION_KEYS ("id:base64key,…", first = current). Errors name the entry, never a key. */
export const parseKeys = (text: string): { current: string; keys: Map<string, Buffer> } => {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !KEY_ID.test(id))
      throw new FieldCryptoError(`CI_ENCRYPTION_KEYS entry ${i + 1} must be "id:base64key" with an id of 1-16 letters, digits or -`);
    if (key.length !== 32) throw new FieldCryptoError(`CI_ENCRYPTION_KEYS key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)`);
    if (keys.has(id)) throw new FieldCryptoError(`CI_ENCRYPTION_KEYS names key "${id}" twice`);
    keys.set(id, key);
  });
  if (keys.size === 0) throw new FieldCryptoError('CI_ENCRYPTION_KEYS holds no key');
  return { current: entries[0].slice(0, entries[0].indexOf(':')), keys };
};

export const parseHashKey = (text: string): Buffer => {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < 32) throw new FieldCryptoError('CI_HASH_KEY must be at least 32 bytes in base64 (openssl rand -base64 32)');
  return key;
};

export const keyringOf = (keysText: string, hashKeyText: string): Keyring => ({ ...parseKeys(keysText), hashKey: parseHashKey(hashKeyText) });

/**
 * Outside production, a process started without the variables (scripts/ensure-env.js writes them
 * on first run) gets a fixed development key, so every code path still encrypts; production
 * refuses to start without them (src/bootstrap/secrets.ts).
 */
const DEV_SECRET = crypto.createHash('sha256').update('client-insights development key: not secret').digest();
const DEV_KEYS = `dev:${DEV_SECRET.toString('base64')}`;

let cached: { text: string; ring: Keyring } | null = null;

/** The keyring of the environment, read again whenever the variables change (rotation, tests). */
export const keyring = (env: NodeJS.ProcessEnv = process.env): Keyring => {
  const keysText = env.CI_ENCRYPTION_KEYS?.trim() || DEV_KEYS;
  const hashText = env.CI_HASH_KEY?.trim() || DEV_SECRET.toString('base64');
  const text = `${keysText}\n${hashText}`;
  if (cached?.text !== text) cached = { text, ring: keyringOf(keysText, hashText) };
  return cached.ring;
};

const b64 = (b: Buffer) => b.toString('base64');

/** Whether a stored value is in the encrypted format (it may still fail to decrypt). */
export const isEncrypted = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The key id a stored value names, or null for a plain (not yet encrypted) value. */
export const keyIdOf = (value: string): string | null => (isEncrypted(value) ? value.slice(PREFIX.length, value.indexOf(':', PREFIX.length)) : null);

export const encryptText = (plain: string, ring: Keyring = keyring()): string => {
  const key = ring.keys.get(ring.current)!;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${ring.current}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(data)}`;
};

/** The plaintext of a stored value; a plain value (written before encryption) is returned as it is. */
export const decryptText = (stored: string, ring: Keyring = keyring()): string => {
  if (!isEncrypted(stored)) return stored;
  const parts = stored.slice(PREFIX.length).split(':');
  if (parts.length !== 4) throw new FieldCryptoError('an encrypted value is malformed');
  const [id, iv, tag, data] = parts;
  const key = ring.keys.get(id);
  if (!key) throw new FieldCryptoError(`an encrypted value names key "${id}", which CI_ENCRYPTION_KEYS does not hold`);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new FieldCryptoError(`an encrypted value under key "${id}" failed its integrity check`);
  }
};

/** Null-preserving forms, for columns. */
export const encryptValue = (value: unknown, ring: Keyring = keyring()): string | null =>
  value === null || value === undefined ? null : isCurrent(value, ring) ? (value as string) : encryptText(decryptText(String(value), ring), ring);
export const decryptValue = (value: unknown, ring: Keyring = keyring()): string | null =>
  value === null || value === undefined ? null : decryptText(String(value), ring);

/** Whether a stored value is encrypted under the current key (nothing for rotation to do). */
export const isCurrent = (value: unknown, ring: Keyring = keyring()): boolean =>
  isEncrypted(value) &&
  keyIdOf(value) === ring.current &&
  (() => {
    try {
      decryptText(value, ring);
      return true;
    } catch {
      return false;
    }
  })();

/** The form whose hash equality compares: an email trimmed and lower-cased, a phone's digits. */
export const normalise = (field: HashedField, value: string): string => (field === 'email' ? value.trim().toLowerCase() : value.replace(/\D/g, ''));

/** The keyed hash of a plaintext value (hex), null for null. */
export const hashValue = (field: HashedField, value: string | null | undefined, ring: Keyring = keyring()): string | null =>
  value === null || value === undefined
    ? null
    : crypto
        .createHmac('sha256', ring.hashKey)
        .update(`${field}:${normalise(field, value)}`)
        .digest('hex');

/**
 * The stored columns of a customer row given in plaintext: each present sensitive field encrypted,
 * and each present hashed field's hash. For writers that bypass Strapi (the bulk seeder, test data).
 */
export const encryptRow = <T extends Record<string, unknown>>(row: T, ring: Keyring = keyring()): T & Record<string, unknown> => {
  const out: Record<string, unknown> = { ...row };
  for (const field of ENCRYPTED_FIELDS) if (field in row) out[field] = encryptValue(row[field], ring);
  for (const field of HASHED_FIELDS) if (field in row) out[HASH_COLUMNS[field]] = hashValue(field, decryptValue(row[field], ring), ring);
  return out as T & Record<string, unknown>;
};

/** A row read from the customers table, its sensitive fields in plaintext (in place). */
export const decryptRow = <T extends Record<string, unknown> | null | undefined>(row: T, ring: Keyring = keyring()): T => {
  if (!row) return row;
  const record = row as Record<string, unknown>;
  for (const field of ENCRYPTED_FIELDS) if (typeof record[field] === 'string') record[field] = decryptText(record[field] as string, ring);
  return row;
};

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** A whole JSON string that reads as a phone number: 11+ digits, or 7+ digits written with +, spaces, dashes or brackets (not a date). */
const PHONE_STRING = /"(\+?[\d ()-]{7,})"/g;
const phoneLike = (s: string) => {
  const digits = s.replace(/\D/g, '').length;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  return /^\d+$/.test(s) ? digits >= 11 : digits >= 7;
};

/**
 * JSON text with every email and phone-like string replaced by `hmac:` and the start of its keyed
 * hash: what the audit log keeps of requests (a rule's literals, a search), so it holds no contact
 * data in plaintext while an auditor can still tell which value was asked for by hashing it.
 */
export const redactContacts = (jsonText: string, ring: Keyring = keyring()): string =>
  jsonText
    .replace(EMAIL_IN_TEXT, (email) => `hmac:${hashValue('email', email, ring)!.slice(0, 16)}`)
    .replace(PHONE_STRING, (whole, phone: string) => (phoneLike(phone) ? `"hmac:${hashValue('phone', phone, ring)!.slice(0, 16)}"` : whole));
