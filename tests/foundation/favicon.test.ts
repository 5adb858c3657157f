import { startStrapi, type TestApp } from '../helpers/strapi';

/** Browsers ask every page load for /favicon.ico: the app ships one (Strapi's favicon middleware serves favicon.png). */
describe('favicon', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ http: true });
  });
  afterAll(async () => app?.stop());

  it('answers GET /favicon.ico with an image', async () => {
    const res = await fetch(`${app.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });
});
