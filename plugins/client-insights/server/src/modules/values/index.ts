import { valuesApi } from '../../../../shared/contracts/values';
import { atApiRoot, guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';

/** Value models: RFM, CLV, propensities, quadrants; reads need segments.read, calculation models.manage. */
const routes: ModuleRoutes = {
  admin: [
    route(valuesApi.rfmMatrix, 'values.rfmMatrix', guard('segments.read')),
    route(valuesApi.calculate, 'values.calculate', guard('models.manage')),
    route(valuesApi.calculationStatus, 'values.calculationStatus', guard('segments.read')),
    route(valuesApi.cancelCalculation, 'values.cancelCalculation', guard('models.manage')),
    route(valuesApi.migration, 'values.migration', guard('segments.read')),
    route(valuesApi.cards, 'values.cards', guard('segments.read')),
    route(valuesApi.groups, 'values.groups', guard('segments.read')),
    // Task creation is checked against the Task content type's own permission in the controller.
    route(valuesApi.cardTasks, 'values.cardTasks', guard('segments.read')),
    route(valuesApi.models, 'values.models', guard('segments.read')),
    route(valuesApi.getSettings, 'values.getSettings', guard('models.manage')),
    route(valuesApi.updateSettings, 'values.updateSettings', guard('models.manage')),
    route(valuesApi.customerScore, 'values.customerScore', guard('segments.read')),
  ],
  contentApi: [route(valuesApi.customerScore, 'values.customerScore', atApiRoot, '/crm/customers/:id/value-score')],
};

export default { routes, controllers: { values: controller }, services: { values: service } };
