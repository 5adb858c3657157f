/**
 * Builds the template database of TEST_DB (template.ts) and prints it as the last line of its
 * output, for global-setup.ts. Its own process: Strapi keeps a global instance.
 */
import { startStrapi } from './strapi';
import { emptyTables, templateName, type Template } from './template';

const main = async () => {
  const app = await startStrapi({ emptyDatabase: true, env: { CI_BACKGROUND_JOBS: 'off' } });
  await app.strapi.destroy();
  await emptyTables(app.db);
  const template: Template = { client: app.db.client, name: templateName(app.db) };
  console.log(JSON.stringify(template));
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
