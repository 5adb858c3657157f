export default ({ env }) => ({
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET'),
    },
  },
  graphql: {
    config: {
      endpoint: '/graphql',
      shadowCRUD: true,
      landingPage: false,
      depthLimit: 10,
      defaultLimit: 25,
      maxLimit: 500,
      apolloServer: {
        // The schema is not given away in production (GRAPHQL_INTROSPECTION=true re-opens it),
        // and no error answer carries a stack trace with server paths, in any environment.
        introspection: env.bool('GRAPHQL_INTROSPECTION', env('NODE_ENV') !== 'production'),
        includeStacktraceInErrorResponses: false,
      },
    },
  },
  'client-insights': {
    enabled: true,
    resolve: './plugins/client-insights',
    config: {
      // API tokens (by name) that see team and private segments and tags; every other content-API caller sees global ones only.
      visibility: { restrictedTokens: env.array('CI_RESTRICTED_TOKENS', []) },
      // Maker-checker approvals (plugin modules/approvals): hours a request waits for a decision.
      approvals: { expiresHours: env.int('CI_APPROVAL_EXPIRES_HOURS', 72) },
      // Exports with more rows than this (or with contact data unmasked) need a second user's approval.
      exports: { approvalRows: env.int('CI_EXPORT_APPROVAL_ROWS', 10_000) },
      // Limits that protect the server from its callers (plugin core/security/config.ts).
      security: {
        minScheduleMinutes: env.int('CI_MIN_SCHEDULE_MINUTES', 15),
        previewTimeoutMs: env.int('CI_PREVIEW_TIMEOUT_MS', 10_000),
        previewsPerCaller: env.int('CI_PREVIEWS_PER_CALLER', 2),
      },
    },
  },
});
