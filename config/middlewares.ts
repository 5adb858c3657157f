export default ({ env }) => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  {
    name: 'strapi::cors',
    config: {
      // Only these origins may call the API from a browser with credentials (comma-separated,
      // e.g. https://crm.example.com). Empty by default: the admin is served from the API's own origin.
      origin: env.array('CORS_ORIGINS', []),
      credentials: true,
      headers: ['Content-Type', 'Authorization', 'Origin', 'Accept', 'X-Request-Id'],
      expose: ['X-Request-Id'],
    },
  },
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
