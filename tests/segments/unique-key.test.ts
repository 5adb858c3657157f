import { apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { client, stage } from './helpers';

/** A segment key is unique in the database (migration 304), so creates racing with one key cannot both win. */
describe('segment key uniqueness', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
    call = client(app, await apiToken(app));
  });
  afterAll(async () => app?.stop());

  it('creates the same key twice at once: one 201, one 400 naming /key', async () => {
    const body = (name: string) => ({ name, key: 'same-key', rule: stage('signed') });
    const answers = await Promise.all([call('POST', '/api/segments/rules', body('First')), call('POST', '/api/segments/rules', body('Second'))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 400]);
    const refused = answers.find((a) => a.status === 400)!;
    expect(refused.body.error.details.errors).toEqual([{ path: '/key', message: 'key "same-key" is not available; choose another key' }]);
    const rows = await app.strapi.db.connection('segments').where('key', 'same-key').select('name');
    expect(rows).toHaveLength(1);
    expect(rows[0].name).toBe(answers.find((a) => a.status === 201)!.body.data.name);
  });
});
