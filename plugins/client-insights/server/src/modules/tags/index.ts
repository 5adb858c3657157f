import { tagsApi } from '../../../../shared/contracts/tags';
import { guard, route, type ModuleRoutes } from '../../core/http/routes';
import controller from './controller';
import service from './service';
import tagRules from './auto-runtime';

/** Tag center: the four categories, merge, bulk apply and auto-tag rules (applied on data change and schedule, with their log). */
const routes: ModuleRoutes = {
  admin: [
    route(tagsApi.list, 'tags.list', guard('segments.read')),
    route(tagsApi.create, 'tags.create', guard('tags.manage')),
    route(tagsApi.merge, 'tags.merge', guard('tags.manage')),
    route(tagsApi.get, 'tags.get', guard('segments.read')),
    route(tagsApi.update, 'tags.update', guard('tags.manage')),
    route(tagsApi.bulk, 'tags.bulk', guard('tags.manage')),
    route(tagsApi.runRule, 'tags.runRule', guard('tags.manage')),
    route(tagsApi.ruleLog, 'tags.ruleLog', guard('segments.read')),
  ],
};

export default { routes, controllers: { tags: controller }, services: { tags: service, tagRules } };
