import { bootStrapi, runScript } from './lib/boot';

/** `npm run metrics:rebuild`: recomputes the whole metrics rollup of the configured database in one SQL pass. */
const main = async () => {
  const strapi = await bootStrapi();
  try {
    const metrics = strapi.plugin('client-insights').service('metrics') as { rebuild(): Promise<{ rows: number }> };
    const started = Date.now();
    const { rows } = await metrics.rebuild();
    console.log(`metrics rollup rebuilt: ${rows} customer rows in ${((Date.now() - started) / 1000).toFixed(2)} s (${strapi.db.dialect.client})`);
  } finally {
    await strapi.destroy();
  }
};

runScript(main);
