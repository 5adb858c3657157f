import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::automation-rule.automation-rule');
