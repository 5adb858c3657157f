import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::automation-rule.automation-rule');
