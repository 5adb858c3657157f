import { ChartBubble } from '@strapi/icons';
import { PLUGIN_ID, permission } from '../../shared/permissions';
import { prefixTranslations } from './utils/translate';

export default {
  register(app: any) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: ChartBubble,
      intlLabel: { id: `${PLUGIN_ID}.plugin.name`, defaultMessage: 'Client Insights' },
      permissions: [{ action: permission('segments.read'), subject: null }],
      Component: () => import('./pages/App'),
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Client Insights' });
  },

  bootstrap() {},

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixTranslations(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};
