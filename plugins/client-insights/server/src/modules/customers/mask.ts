/** Masking of contact data for admins without `sensitive.view` (RULES.md: name, email, phone). */
export const maskName = (v: string | null) => (v ? `${[...v][0]}${'*'.repeat(Math.max(1, [...v].length - 1))}` : v);
export const maskEmail = (v: string | null) => {
  if (!v) return v;
  const at = v.indexOf('@');
  return at > 0 ? `${v[0]}***${v.slice(at)}` : '***';
};
export const maskPhone = (v: string | null) => (v ? `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}` : v);

export const maskContact = <T extends { name?: string | null; email?: string | null; phone?: string | null }>(row: T, sensitive: boolean): T =>
  sensitive
    ? row
    : {
        ...row,
        ...('name' in row ? { name: maskName(row.name ?? null) } : {}),
        ...('email' in row ? { email: maskEmail(row.email ?? null) } : {}),
        ...('phone' in row ? { phone: maskPhone(row.phone ?? null) } : {}),
      };
