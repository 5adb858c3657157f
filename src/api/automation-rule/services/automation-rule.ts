import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::automation-rule.automation-rule');
