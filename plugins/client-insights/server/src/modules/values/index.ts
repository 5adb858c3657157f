import { atApiRoot, guard, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Value models: RFM, CLV, propensities, quadrants; reads need segments.read, calculation models.manage. */
const routes: ModuleRoutes = {
  admin: [
    { method: 'GET', path: '/values/rfm', handler: 'values.rfmMatrix', config: guard('segments.read') },
    { method: 'POST', path: '/values/calculate', handler: 'values.calculate', config: guard('models.manage') },
    { method: 'GET', path: '/values/calculate/:jobId', handler: 'values.calculationStatus', config: guard('segments.read') },
    { method: 'POST', path: '/values/calculate/:jobId/cancel', handler: 'values.cancelCalculation', config: guard('models.manage') },
    { method: 'GET', path: '/values/migration', handler: 'values.migration', config: guard('segments.read') },
    { method: 'GET', path: '/values/models', handler: 'values.models', config: guard('segments.read') },
    { method: 'GET', path: '/values/settings', handler: 'values.getSettings', config: guard('models.manage') },
    { method: 'PUT', path: '/values/settings', handler: 'values.updateSettings', config: guard('models.manage') },
    { method: 'GET', path: '/values/customers/:id', handler: 'values.customerScore', config: guard('segments.read') },
  ],
  contentApi: [{ method: 'GET', path: '/crm/customers/:id/value-score', handler: 'values.customerScore', config: atApiRoot }],
};

export default { routes, controllers: { values: controller }, services: { values: service } };
