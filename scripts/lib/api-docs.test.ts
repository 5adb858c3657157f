import fs from 'fs';
import { API_MD_FILE, apiDocument, endpointTable, OPENAPI_FILE, openApiJson, withEndpointTable } from './api-docs';

/** The committed API documents must be what the contracts generate: change a contract, run `npm run docs:api`. */
describe('docs/openapi.json and the endpoint table of docs/api.md', () => {
  const doc = apiDocument();

  it('docs/openapi.json is up to date with the contracts (else: npm run docs:api)', () => {
    expect(JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(doc);
    expect(fs.readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiJson(doc));
  });

  it('docs/api.md lists the endpoints of the contracts (else: npm run docs:api)', () => {
    const md = fs.readFileSync(API_MD_FILE, 'utf8');
    expect(md).toBe(withEndpointTable(md, endpointTable(doc)));
  });

  it('covers the /api/segments twins that the host declares', () => {
    expect(doc.paths['/api/segments/rules/{id}/execute']).toHaveProperty('post.x-strapi-handler', 'plugin::client-insights.segments.execute');
    expect(endpointTable(doc)).toContain(
      '| Run a segment now | `POST /segments/{id}/execute` | segments.run | `POST /api/crm/segments/{id}/run`, `POST /api/segments/rules/{id}/execute` |'
    );
  });

  it("refuses an api.md without the generated table's markers", () => {
    expect(() => withEndpointTable('# API\n', 'x')).toThrow('no generated table');
  });
});
