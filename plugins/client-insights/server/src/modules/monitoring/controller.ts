import type { Core } from '@strapi/strapi';
import { METRICS_TOKEN_ENV, monitoringApi } from '../../../../shared/contracts/monitoring';
import { ApiError } from '../../core/http/errors';
import { respond } from '../../core/http/respond';
import { getService } from '../../get-service';
import { hasMetricsToken } from './token';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  metrics: (ctx) =>
    respond(ctx, monitoringApi.metrics, async () => {
      if (!hasMetricsToken(ctx.get('authorization'), process.env[METRICS_TOKEN_ENV])) {
        ctx.set('www-authenticate', 'Bearer');
        throw new ApiError(401, `a bearer token is required: the value of ${METRICS_TOKEN_ENV}`);
      }
      const { registry } = getService(strapi, 'monitoring').metrics();
      ctx.set('content-type', registry.contentType);
      return registry.metrics();
    }),
});
