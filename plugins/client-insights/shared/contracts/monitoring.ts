import { endpoint, noQuery, TEXT } from './http';

/**
 * Monitoring for Prometheus: the plugin's metrics in the text exposition format, for a scraper
 * holding the token in CI_METRICS_TOKEN (not a Strapi credential: scrapers have no admin login).
 */
export const METRICS_TOKEN_ENV = 'CI_METRICS_TOKEN';

export const monitoringApi = {
  /** Mounted on the content API only: GET /api/client-insights/metrics. */
  metrics: endpoint({ method: 'GET', path: '/metrics', query: noQuery, response: TEXT, bearer: METRICS_TOKEN_ENV }),
};
