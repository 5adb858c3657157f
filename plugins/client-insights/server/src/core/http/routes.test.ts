import { segmentsApi } from '../../../../shared/contracts/segments';
import { atApiRoot, route } from './routes';

describe('route', () => {
  it("gives each route its own config, so Strapi's in-place auth defaults stay per route", () => {
    const create = route(segmentsApi.create, 'segments.create', atApiRoot, '/crm/segments');
    const run = route(segmentsApi.execute, 'segments.execute', atApiRoot, '/crm/segments/:id/run');
    // What Strapi's route registration does (lodash defaultsDeep of the handler's scope into route.config).
    (create.config as any).auth = { scope: ['plugin::client-insights.segments.create'] };
    expect(run.config).toEqual({ prefix: '' });
    expect(atApiRoot).toEqual({ prefix: '' });
  });
});
