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
    },
  },
  'client-insights': {
    enabled: true,
    resolve: './plugins/client-insights',
    config: {
      // API tokens (by name) that see team and private segments and tags; every other content-API caller sees global ones only.
      visibility: { restrictedTokens: env.array('CI_RESTRICTED_TOKENS', []) },
    },
  },
});
