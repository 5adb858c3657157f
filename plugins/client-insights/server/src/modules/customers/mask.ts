/**
 * What an admin without `sensitive.view` does not see of a customer, one rule for every place
 * the plugin shows customers (list, search, profile, CSV, preview samples, segment members, value
 * charts): contact data, email and phone masked with a hint left, and the free-text notes left
 * out. Never the name: sales must find and read their clients by name (README, roles). Who sees
 * contact data unmasked: `seesContact` in core/http/viewer.ts.
 */
export const maskEmail = (v: string | null) => {
  if (!v) return v;
  const at = v.indexOf('@');
  return at > 0 ? `${v[0]}***${v.slice(at)}` : '***';
};
export const maskPhone = (v: string | null) => (v ? `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}` : v);

type Contact = { email?: string | null; phone?: string | null; notes?: string | null };

export const maskContact = <T extends object>(row: T, sensitive: boolean): T => {
  if (sensitive) return row;
  const contact = row as Contact;
  return {
    ...row,
    ...('email' in contact ? { email: maskEmail(contact.email ?? null) } : {}),
    ...('phone' in contact ? { phone: maskPhone(contact.phone ?? null) } : {}),
    ...('notes' in contact ? { notes: null } : {}),
  };
};

/** Customer columns a search may match without the permission (masked ones cannot be probed). */
export const searchableColumns = (sensitive: boolean) => ['name', 'region', 'target_major', 'program', ...(sensitive ? ['email', 'phone'] : [])];
