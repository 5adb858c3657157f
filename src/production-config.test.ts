import middlewares from '../config/middlewares';
import plugins from '../config/plugins';

/** A stand-in for Strapi's `env` helper over a fixed environment. */
const envOf = (vars: Record<string, string>) => {
  const env = (name: string, fallback?: unknown) => vars[name] ?? fallback;
  env.int = (name: string, fallback?: number) => (vars[name] === undefined ? fallback : Number(vars[name]));
  env.bool = (name: string, fallback?: boolean) => (vars[name] === undefined ? fallback : vars[name] === 'true');
  env.array = (name: string, fallback?: string[]) => (vars[name] === undefined ? fallback : vars[name].split(',').map((s) => s.trim()));
  return env;
};

describe('production settings (issue 13 item 9)', () => {
  it('closes GraphQL introspection in production and never answers stack traces', () => {
    const production = (plugins as any)({ env: envOf({ NODE_ENV: 'production' }) }).graphql.config.apolloServer;
    expect(production).toEqual({ introspection: false, includeStacktraceInErrorResponses: false });
    const development = (plugins as any)({ env: envOf({ NODE_ENV: 'development' }) }).graphql.config.apolloServer;
    expect(development).toEqual({ introspection: true, includeStacktraceInErrorResponses: false });
    const reopened = (plugins as any)({ env: envOf({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }) }).graphql.config.apolloServer;
    expect(reopened.introspection).toBe(true);
  });

  it('lets browsers call with credentials only from CORS_ORIGINS', () => {
    const corsOf = (vars: Record<string, string>) => (middlewares as any)({ env: envOf(vars) }).find((m: any) => m?.name === 'strapi::cors').config;
    expect(corsOf({}).origin).toEqual([]);
    expect(corsOf({ CORS_ORIGINS: 'https://crm.example.com, https://ops.example.com' }).origin).toEqual(['https://crm.example.com', 'https://ops.example.com']);
    expect(corsOf({}).expose).toContain('X-Request-Id');
  });
});
