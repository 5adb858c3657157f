import crypto from 'crypto';
import {
  decryptRow,
  decryptText,
  encryptRow,
  encryptText,
  encryptValue,
  FieldCryptoError,
  hashValue,
  isCurrent,
  keyIdOf,
  keyring,
  keyringOf,
  parseKeys,
  redactContacts,
} from './field-crypto';

const key = () => crypto.randomBytes(32).toString('base64');
const hashKey = key();
const k1 = `k1:${key()}`;
const k2 = `k2:${key()}`;
const ring = keyringOf(k1, hashKey);

describe('field encryption format', () => {
  it('round-trips any text, names its key and differs on every call', () => {
    for (const plain of ['li.wei@example.com', '+86 138 0000 0000', '备注：家长希望申请英国硕士 🎓', '']) {
      const a = encryptText(plain, ring);
      const b = encryptText(plain, ring);
      expect(a).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
      expect(a).not.toBe(b);
      if (plain) expect(a).not.toContain(plain);
      expect(keyIdOf(a)).toBe('k1');
      expect(decryptText(a, ring)).toBe(plain);
    }
  });

  it('detects tampering: any changed part fails the integrity check', () => {
    const stored = encryptText('li.wei@example.com', ring);
    const parts = stored.split(':');
    for (const at of [3, 4, 5]) {
      const changed = [...parts];
      const bytes = Buffer.from(changed[at], 'base64');
      bytes[0] ^= 1;
      changed[at] = bytes.toString('base64');
      expect(() => decryptText(changed.join(':'), ring)).toThrow(FieldCryptoError);
      expect(() => decryptText(changed.join(':'), ring)).toThrow(/integrity/);
    }
    expect(() => decryptText('enc:v1:k1:abc', ring)).toThrow(/malformed/);
  });

  it('refuses a value under a key it does not hold, and reads old keys after rotation', () => {
    const stored = encryptText('x@example.com', ring);
    expect(() => decryptText(stored, keyringOf(k2, hashKey))).toThrow(/key "k1"/);
    // The same value under the wrong key material with the right id: integrity fails.
    expect(() => decryptText(stored, keyringOf(`k1:${key()}`, hashKey))).toThrow(/integrity/);
    const rotated = keyringOf(`${k2},${k1}`, hashKey);
    expect(decryptText(stored, rotated)).toBe('x@example.com');
    expect(isCurrent(stored, rotated)).toBe(false);
    const again = encryptValue(stored, rotated)!;
    expect(keyIdOf(again)).toBe('k2');
    expect(decryptText(again, rotated)).toBe('x@example.com');
    expect(encryptValue(again, rotated)).toBe(again);
  });

  it('reads plain values written before encryption as they are, and keeps nulls', () => {
    expect(decryptText('plain@example.com', ring)).toBe('plain@example.com');
    expect(encryptValue(null, ring)).toBeNull();
    expect(keyIdOf(encryptValue('plain@example.com', ring)!)).toBe('k1');
  });

  it('parses keys strictly, never echoing key material', () => {
    expect(parseKeys(`${k2}, ${k1}`).current).toBe('k2');
    expect(() => parseKeys('')).toThrow(/no key/);
    expect(() => parseKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeys(`bad id:${key()}`)).toThrow(/entry 1/);
    expect(() => parseKeys(`${k1},${k1}`)).toThrow(/twice/);
    try {
      parseKeys('k1:c2hvcnQ=');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2hvcnQ');
    }
    expect(() => keyringOf(k1, 'c2hvcnQ=')).toThrow(/CI_HASH_KEY/);
  });

  it('hashes the normalised value with its own key', () => {
    expect(hashValue('email', ' Li.Wei@Example.COM ', ring)).toBe(hashValue('email', 'li.wei@example.com', ring));
    expect(hashValue('phone', '+86 138-0000-0000', ring)).toBe(hashValue('phone', '8613800000000', ring));
    expect(hashValue('email', 'a@example.com', ring)).not.toBe(hashValue('email', 'b@example.com', ring));
    expect(hashValue('email', 'a@example.com', ring)).not.toBe(hashValue('email', 'a@example.com', keyringOf(k1, key())));
    expect(hashValue('email', null, ring)).toBeNull();
  });

  it('encrypts and hashes a row for bulk writers, and decrypts it back', () => {
    const row = encryptRow({ id: 1, name: 'Li Wei', email: 'LI@example.com', phone: '+86 1', notes: null }, ring);
    expect(row.name).toBe('Li Wei');
    expect(keyIdOf(row.email as string)).toBe('k1');
    expect(row.email_hash).toBe(hashValue('email', 'li@example.com', ring));
    expect(row.phone_hash).toBe(hashValue('phone', '861', ring));
    expect(row.notes).toBeNull();
    expect(decryptRow({ ...row }, ring)).toMatchObject({ email: 'LI@example.com', phone: '+86 1', notes: null });
  });

  it('reads the keyring from the environment, with a development key when unset', () => {
    const fromEnv = keyring({ CI_ENCRYPTION_KEYS: `${k2},${k1}`, CI_HASH_KEY: hashKey });
    expect(fromEnv.current).toBe('k2');
    expect(keyring({}).current).toBe('dev');
  });
});

describe('redactContacts', () => {
  it('replaces emails and phone-like strings in JSON text by keyed hashes, leaving dates, ids and other text', () => {
    const text = JSON.stringify({
      rule: { in: [{ var: 'customer.phone' }, ['+86 139 5550 0003', '13800001234']] },
      q: 'Li.Wei@Example.com',
      at: '2026-12-02',
      id: '2147483648',
      name: 'Client 1',
    });
    const redacted = redactContacts(text, ring);
    const parsed = JSON.parse(redacted);
    expect(redacted).not.toMatch(/Example|5550|13800001234/);
    expect(parsed.q).toBe(`hmac:${hashValue('email', 'li.wei@example.com', ring)!.slice(0, 16)}`);
    expect(parsed.rule.in[1]).toEqual([`hmac:${hashValue('phone', '8613955500003', ring)!.slice(0, 16)}`, expect.stringMatching(/^hmac:/)]);
    expect(parsed).toMatchObject({ at: '2026-12-02', id: '2147483648', name: 'Client 1' });
  });
});

describe('redactContacts next to JSON escapes', () => {
  it('never leaves the plaintext, even when the result is no longer JSON', () => {
    const text = JSON.stringify({ q: '\nli@example.cn' });
    expect(redactContacts(text, ring)).not.toContain('example.cn');
  });
});
