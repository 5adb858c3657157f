/** Plain HTTP calls to the running app (admin API), for setup and for checking what the UI shows. */
const tokens = new Map<string, Promise<string>>();

/**
 * One admin login per user and server for the whole run: Strapi allows five logins per user and address
 * in five minutes (its admin rate limit, kept on in the tests), and the scenarios together log a role in more often.
 */
export const adminLogin = (url: string, email: string, password: string): Promise<string> => {
  const key = `${url} ${email}`;
  if (!tokens.has(key)) {
    const login = freshLogin(url, email, password);
    login.catch(() => tokens.delete(key));
    tokens.set(key, login);
  }
  return tokens.get(key)!;
};

const freshLogin = async (url: string, email: string, password: string): Promise<string> => {
  const res = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`admin login ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as any).data.token;
};

export const adminCall = async (url: string, token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
};

/** An admin user with one of the bootstrap roles (by name), created through the admin API. */
export const ensureRoleUser = async (url: string, superToken: string, roleName: string, email: string, password: string) => {
  const roles = await adminCall(url, superToken, 'GET', '/admin/roles');
  const role = (roles.body.data as any[]).find((r) => r.name === roleName);
  if (!role) throw new Error(`role "${roleName}" not found (the host bootstrap creates it)`);
  const existing = await adminCall(url, superToken, 'GET', `/admin/users?filters[email][$eq]=${encodeURIComponent(email)}`);
  if ((existing.body.data?.results ?? []).length > 0) return;
  const created = await adminCall(url, superToken, 'POST', '/admin/users', { email, firstname: 'Sales', lastname: 'Manager', roles: [role.id] });
  if (created.status >= 300) throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
  const registrationToken = created.body.data.registrationToken;
  const registered = await fetch(`${url}/admin/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ registrationToken, userInfo: { firstname: 'Sales', lastname: 'Manager', password } }),
  });
  if (!registered.ok) throw new Error(`register user: ${registered.status} ${await registered.text()}`);
};
