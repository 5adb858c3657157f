import type { StrapiApp } from '@strapi/strapi/admin';

export default {
  config: {
    // The admin offers these besides English; the plugin ships the same three.
    locales: ['zh-Hans', 'zh'],
  },
  bootstrap(_app: StrapiApp) {},
};
