import { SENSITIVE_CUSTOMER_FIELDS, type SensitiveCustomerField } from '../../../../shared/sensitive';

/**
 * What a caller without `sensitive.view` does not see of a customer, one rule for every place
 * the plugin shows customers (list, search, profile, CSV, preview samples, segment members, value
 * charts): the sensitive fields (shared/sensitive.ts), email and phone masked with a hint left,
 * anything else (the free-text notes) left out. Never the name: sales must find and read their
 * clients by name (README, roles). Who sees them unmasked: `seesContact` in core/http/viewer.ts.
 */
export const maskEmail = (v: string | null) => {
  if (!v) return v;
  const at = v.indexOf('@');
  return at > 0 ? `${v[0]}***${v.slice(at)}` : '***';
};
export const maskPhone = (v: string | null) => (v ? `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}` : v);

/** How each sensitive field is shown masked; a field without a mask is left out (null). */
const MASKS: Partial<Record<SensitiveCustomerField, (v: string | null) => string | null>> = { email: maskEmail, phone: maskPhone };

export const maskContact = <T extends object>(row: T, sensitive: boolean): T => {
  if (sensitive) return row;
  const masked = { ...row } as Record<string, unknown>;
  for (const name of SENSITIVE_CUSTOMER_FIELDS) {
    if (name in masked) masked[name] = MASKS[name]?.((masked[name] as string | null) ?? null) ?? null;
  }
  return masked as T;
};

/**
 * Customer columns a search matches by substring. Email and phone are encrypted at rest, so they
 * are matched only whole (normalised, by their hash: core/security/stored-contacts.ts), and only
 * for callers with the permission (masked ones cannot be probed).
 */
export const SEARCHABLE_COLUMNS = ['name', 'region', 'target_major', 'program'] as const;
