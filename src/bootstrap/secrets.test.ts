import { placeholderSecrets, refusePlaceholderSecrets } from './secrets';

const fresh = {
  APP_KEYS: 'k1x,k2x',
  API_TOKEN_SALT: 's',
  ADMIN_JWT_SECRET: 'a',
  TRANSFER_TOKEN_SALT: 't',
  JWT_SECRET: 'j',
  ENCRYPTION_KEY: 'e',
  CI_ENCRYPTION_KEYS: 'k2:b,k1:a',
  CI_HASH_KEY: 'h',
  CI_LINK_KEY: 'l',
};

describe('placeholder secrets', () => {
  it('names the secrets still copied from .env.example, never their values', () => {
    expect(placeholderSecrets(fresh)).toEqual([]);
    expect(placeholderSecrets({ ...fresh, APP_KEYS: 'change-me-1,change-me-2', JWT_SECRET: 'change-me', ENCRYPTION_KEY: '' })).toEqual([
      'APP_KEYS',
      'JWT_SECRET',
      'ENCRYPTION_KEY',
    ]);
  });

  it('counts the field-encryption keys among them: missing or a placeholder in any entry', () => {
    const { CI_HASH_KEY: _, ...withoutHashKey } = fresh;
    expect(placeholderSecrets({ ...withoutHashKey, CI_ENCRYPTION_KEYS: 'k2:b,change-me' })).toEqual(['CI_ENCRYPTION_KEYS', 'CI_HASH_KEY']);
  });

  it('refuses to start in production, warns elsewhere', () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => void warnings.push(m) };
    const copied = { ...fresh, API_TOKEN_SALT: 'change-me' };
    expect(() => refusePlaceholderSecrets({ ...copied, NODE_ENV: 'production' }, log)).toThrow(
      /Refusing to start in production: API_TOKEN_SALT is missing or still the placeholder/
    );
    refusePlaceholderSecrets({ ...copied, NODE_ENV: 'development' }, log);
    expect(warnings).toEqual([expect.stringMatching(/^API_TOKEN_SALT/)]);
    expect(() => refusePlaceholderSecrets({ ...fresh, NODE_ENV: 'production' }, log)).not.toThrow();
  });
});
