/**
 * Sensitive data, declared once (docs/architecture.md, "Sensitive fields"). Whoever lacks the
 * plugin action `sensitive.view` never reads these, on any path: the plugin's own routes mask
 * them (server/src/modules/customers/mask.ts), every Document Service call made for a request
 * (content manager, REST, GraphQL) drops them and refuses filters, sorts and searches on them
 * (server/src/core/security/sensitive.ts), and rules may not read them.
 *
 * A customer's contact data and free-text notes are sensitive. The customer has no financial
 * fields of its own; order amounts and margins are the business figures every role's reports
 * show, so they are not. A customer's owner is an admin user: their email is staff contact data.
 */
export const SENSITIVE_CUSTOMER_FIELDS = ['email', 'phone', 'notes'] as const;

export type SensitiveCustomerField = (typeof SENSITIVE_CUSTOMER_FIELDS)[number];

/** Sensitive attributes per content type, wherever a document of that type appears (also populated inside another). */
export const SENSITIVE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'api::customer.customer': SENSITIVE_CUSTOMER_FIELDS,
  'admin::user': ['email'],
};

/** Rule fields (`{"var": ...}`) that read sensitive data. */
export const SENSITIVE_RULE_FIELDS: readonly string[] = SENSITIVE_CUSTOMER_FIELDS.map((f) => `customer.${f}`);

/**
 * The content-API permission a custom API token must carry to read sensitive fields (full-access
 * and read-only tokens never do): granted explicitly, per token.
 */
export const CONTENT_API_SENSITIVE_ACTION = 'plugin::client-insights.sensitive.view';

/** Each place a rule reads a sensitive field: its JSON pointer (of the `var`) and the field. Iterative, so any nesting depth is safe. */
export const sensitiveReads = (rule: unknown): { path: string; field: string }[] => {
  const found: { path: string; field: string }[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: rule, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}/${i}` }));
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    for (const [key, inner] of Object.entries(value)) {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const name = key === 'var' ? (Array.isArray(inner) ? inner[0] : inner) : undefined;
      if (typeof name === 'string' && SENSITIVE_RULE_FIELDS.includes(name)) found.push({ path: at, field: name });
      else stack.push({ value: inner, path: at });
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
};
