import crypto from 'crypto';

/**
 * Signed values of automation email: the tokens in its unsubscribe link, tracking pixel and
 * tracked links, and its Message-ID. HMAC-SHA256 with CI_LINK_KEY (scripts/ensure-env.js writes
 * one on first start; production refuses to start without it, src/bootstrap/secrets.ts); outside
 * production a process without it uses a fixed development key so every path still signs.
 */

const DEV_KEY = crypto.createHash('sha256').update('client-insights development link key: not secret').digest();

const linkKey = (): Buffer => {
  const text = process.env.CI_LINK_KEY?.trim();
  if (!text) {
    if (process.env.NODE_ENV === 'production') throw new Error('CI_LINK_KEY is not set');
    return DEV_KEY;
  }
  const key = Buffer.from(text, 'base64');
  if (key.length < 32) throw new Error('CI_LINK_KEY must be at least 32 bytes in base64 (openssl rand -base64 32)');
  return key;
};

const mac = (purpose: string, text: string) => crypto.createHmac('sha256', linkKey()).update(`${purpose}\n${text}`).digest();

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && crypto.timingSafeEqual(a, b);

/** What a link token carries: whom, which channel or message, and (a tracked link) where to. */
export type LinkClaims =
  | { k: 'unsubscribe'; c: number; ch: 'email'; l: 'en' | 'zh-Hans' | 'zh' }
  | { k: 'open'; c: number; m: string }
  | { k: 'click'; c: number; m: string; u: string };

/** `<payload>.<signature>`, base64url, URL-safe without escaping. */
export const signToken = (claims: LinkClaims): string => {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(`link:${claims.k}`, payload).toString('base64url')}`;
};

/** The claims of a token of `kind` signed with our key; null for anything else (tampered, another kind, malformed). */
export const verifyToken = <K extends LinkClaims['k']>(token: string, kind: K): Extract<LinkClaims, { k: K }> | null => {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  if (!sameBytes(Buffer.from(signature, 'base64url'), mac(`link:${kind}`, payload))) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims?.k === kind && Number.isSafeInteger(claims.c) && claims.c > 0 ? claims : null;
  } catch {
    return null;
  }
};

const MESSAGE_ID = /^<?ci\.(\d{1,10})\.([0-9a-f]{24})\.([0-9a-f]{16})@[^<>\s]+>?$/;

/**
 * The Message-ID of the email an outbox step sends: the same for every attempt of one idempotency
 * key (a receiver that saw it discards a retry), carrying the customer so a provider's report
 * finds them, and signed so a made-up one names nobody.
 */
export const messageIdFor = (idemKey: string, customerId: number, domain: string): string => {
  const digest = mac('message', idemKey).toString('hex').slice(0, 24);
  const tag = mac('message-id', `${customerId}.${digest}`).toString('hex').slice(0, 16);
  return `<ci.${customerId}.${digest}.${tag}@${domain}>`;
};

/** The customer of a Message-ID we generated; null when it is not one of ours or was altered. */
export const customerOfMessageId = (messageId: string): number | null => {
  const m = MESSAGE_ID.exec(messageId.trim());
  if (!m) return null;
  const expected = mac('message-id', `${m[1]}.${m[2]}`).toString('hex').slice(0, 16);
  return sameBytes(Buffer.from(m[3]), Buffer.from(expected)) ? Number(m[1]) : null;
};

/** Whether `given` is the provider webhook's shared secret (CI_EMAIL_WEBHOOK_SECRET); false when none is configured. */
export const isWebhookSecret = (given: string | undefined): boolean => {
  const secret = process.env.CI_EMAIL_WEBHOOK_SECRET?.trim();
  if (!secret || !given) return false;
  // Compared as digests: equal lengths, and the time taken says nothing about the secret.
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return sameBytes(digest(given), digest(secret));
};
