/** The secrets Strapi signs and encrypts with (see .env.example). */
export const SECRET_NAMES = [
  'APP_KEYS',
  'API_TOKEN_SALT',
  'ADMIN_JWT_SECRET',
  'TRANSFER_TOKEN_SALT',
  'JWT_SECRET',
  'ENCRYPTION_KEY',
  // Customer contact data at rest (plugins/client-insights/server/src/core/security/field-crypto.ts).
  'CI_ENCRYPTION_KEYS',
  'CI_HASH_KEY',
  // Signs automation email's links and Message-IDs (plugins/client-insights/server/src/modules/automation/actions/email-signing.ts).
  'CI_LINK_KEY',
] as const;

/** The placeholders .env.example and Strapi's templates ship with. */
const PLACEHOLDER = /change-?me|tobemodified|toBeModified|^$/i;

/** The names (never the values) of secrets that are missing or still a placeholder. */
export const placeholderSecrets = (env: NodeJS.ProcessEnv): string[] =>
  SECRET_NAMES.filter((name) => (env[name] ?? '').split(',').some((part) => PLACEHOLDER.test(part.trim())));

/**
 * In production, refuses to start with a copied .env.example: anyone could forge admin sessions
 * and API tokens with the published secrets. Elsewhere it only warns.
 */
export const refusePlaceholderSecrets = (env: NodeJS.ProcessEnv, log: { warn(msg: string): void }) => {
  const weak = placeholderSecrets(env);
  if (!weak.length) return;
  const message = `${weak.join(', ')} ${weak.length === 1 ? 'is' : 'are'} missing or still the placeholder from .env.example; set fresh random values (e.g. openssl rand -base64 32)`;
  if (env.NODE_ENV === 'production') throw new Error(`Refusing to start in production: ${message}`);
  log.warn(message);
};
