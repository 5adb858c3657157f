import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::segment.segment');
