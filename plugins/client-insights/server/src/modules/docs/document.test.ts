import fs from 'fs';
import path from 'path';
import { routes } from '..';
import { buildOpenApi, contractEndpoints, API_VERSION, type DocRoute } from './document';
import { NAMED, RECURSIVE } from './components';
import { mountedRoutes, type Router } from './mounted-routes';
import { NOTES } from './notes';

const plugin = routes as unknown as Record<string, Router>;
/** A host API's router holding twins of plugin routes, as src/api/segment/routes declares them. */
const host: Router = {
  type: 'content-api',
  routes: [
    {
      method: 'GET',
      path: '/segments/rules/:id',
      handler: 'plugin::client-insights.segments.get',
      config: { auth: { scope: ['plugin::client-insights.segments.get'] } },
    },
    {
      method: 'GET',
      path: '/segments/tree',
      handler: 'plugin::client-insights.segments.tree',
      config: { auth: { scope: ['plugin::client-insights.segments.tree'] } },
    },
    { method: 'GET', path: '/segments', handler: 'api::segment.segment.find' },
  ],
};
const all = mountedRoutes(plugin, [host]);
const doc = buildOpenApi(all);
const op = (method: string, p: string) => (doc.paths[p] as Record<string, any>)?.[method];

const refs = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(refs)
    : node && typeof node === 'object'
      ? Object.entries(node).flatMap(([k, v]) => (k === '$ref' ? [String(v)] : refs(v)))
      : [];

describe('mountedRoutes: the plugin routes as Strapi mounts them', () => {
  it('prefixes admin routes with /client-insights and content-API routes with /api and their prefix', () => {
    const find = (method: string, p: string) => all.find((r) => r.method === method && r.path === p);
    expect(find('POST', '/client-insights/segments')).toEqual({
      method: 'POST',
      path: '/client-insights/segments',
      handler: 'segments.create',
      audience: 'admin',
      permissions: ['plugin::client-insights.segments.create'],
    });
    expect(find('POST', '/api/crm/segments/:id/run')).toMatchObject({
      handler: 'segments.execute',
      audience: 'api',
      permissions: ['plugin::client-insights.segments.execute'],
    });
    expect(find('GET', '/api/client-insights/overview/counts')).toMatchObject({ handler: 'overview.counts', audience: 'api' });
    expect(find('GET', '/api/segments/rules/:id')).toMatchObject({
      handler: 'segments.get',
      audience: 'api',
      permissions: ['plugin::client-insights.segments.get'],
    });
    // A host route with a handler of its own API is not the plugin's.
    expect(all.some((r) => r.handler.includes('api::'))).toBe(false);
  });

  it('marks a route without auth as public', () => {
    const open: Router = {
      type: 'content-api',
      routes: [{ method: 'GET', path: '/x', handler: 'plugin::client-insights.docs.openapi', config: { auth: false } }],
    };
    expect(mountedRoutes({}, [open])).toEqual([
      { method: 'GET', path: '/api/x', handler: 'docs.openapi', audience: 'api', permissions: ['plugin::client-insights.docs.openapi'], public: true },
    ]);
  });
});

describe('buildOpenApi: the document generated from the contracts', () => {
  it('has one operation per route, at its method and path, with a unique id', () => {
    const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item as Record<string, any>).map(([m, o]) => ({ key: `${m.toUpperCase()} ${p}`, o }))
    );
    expect(operations.map((x) => x.key).sort()).toEqual(all.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort());
    expect(new Set(operations.map((x) => x.o.operationId)).size).toBe(operations.length);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('says who may call: the admin actions or the API token scope', () => {
    expect(op('post', '/client-insights/segments/results/{id}/export').security).toEqual([
      { adminJwt: ['plugin::client-insights.segments.read', 'plugin::client-insights.export'] },
    ]);
    expect(op('get', '/api/segments/rules/{id}').security).toEqual([{ apiToken: ['plugin::client-insights.segments.get'] }]);
    expect(op('get', '/api/segments/rules/{id}').description).toContain('twin of `GET /client-insights/segments/{id}`');
  });

  it('documents parameters, query, body and answers from the contract', () => {
    const list = op('get', '/client-insights/segments');
    expect(list.parameters).toEqual([
      { in: 'query', name: 'page', required: false, schema: { type: 'integer', minimum: 1, maximum: 2147483647, default: 1 } },
      { in: 'query', name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      { in: 'query', name: 'q', required: false, schema: { type: 'string', maxLength: 100 } },
      { in: 'query', name: 'type', required: false, schema: { type: 'string', enum: ['dynamic', 'static'] } },
    ]);
    expect(list.responses['200'].content['application/json'].schema.properties.data).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Segment' },
    });
    const get = op('get', '/client-insights/segments/{id}');
    expect(get.parameters).toEqual([{ in: 'path', name: 'id', required: true, schema: expect.objectContaining({ type: 'string', maxLength: 100 }) }]);
    // A body that may come wrapped: either form.
    const create = op('post', '/client-insights/segments');
    expect(create.requestBody.required).toBe(true);
    expect(create.requestBody.content['application/json'].schema.anyOf).toEqual([
      { $ref: '#/components/schemas/CreateSegment' },
      { type: 'object', properties: { data: { $ref: '#/components/schemas/CreateSegment' } }, required: ['data'], additionalProperties: false },
    ]);
    // A body that may be empty is not required; a CSV answer is text/csv.
    expect(op('post', '/client-insights/segments/results/{id}/export').requestBody.required).toBe(false);
    expect(op('post', '/client-insights/segments/results/{id}/export').responses['200'].content).toEqual({ 'text/csv': { schema: { type: 'string' } } });
    // A nullable component is a reference or null.
    expect(doc.components.schemas).toHaveProperty('SegmentDetail.properties.currentResult', {
      anyOf: [{ $ref: '#/components/schemas/SegmentResult' }, { type: 'null' }],
    });
    // The recursive tree node refers to itself.
    expect(doc.components.schemas).toHaveProperty('SegmentTreeNode.properties.children', {
      type: 'array',
      items: { $ref: '#/components/schemas/SegmentTreeNode' },
    });
  });

  it('answers the statuses the contract declares, and refusals in the error envelope', () => {
    expect(Object.keys(op('post', '/client-insights/segments').responses)).toEqual(['201', '400', '401', '403', '4XX']);
    expect(Object.keys(op('post', '/client-insights/segments/{id}/execute').responses)).toEqual(['200', '202', '400', '401', '403', '4XX']);
    expect(op('get', '/client-insights/tags').responses['400']).toEqual({ $ref: '#/components/responses/ValidationError' });
    expect((doc.components.responses as any).ValidationError.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
  });

  it('names each component it lists somewhere else, and every reference resolves', () => {
    const names = [...Object.keys(NAMED), ...Object.keys(RECURSIVE)];
    expect(Object.keys(doc.components.schemas as object).sort()).toEqual(names.sort());
    const { schemas, ...rest } = doc.components as Record<string, Record<string, unknown>>;
    for (const name of names) {
      const elsewhere = [
        doc.paths,
        rest,
        ...Object.entries(schemas)
          .filter(([n]) => n !== name)
          .map(([, s]) => s),
      ];
      expect([name, refs(elsewhere).includes(`#/components/schemas/${name}`)]).toEqual([name, true]);
    }
    for (const ref of refs(doc)) {
      const [, , kind, name] = ref.split('/');
      expect([ref, Boolean((doc.components as any)[kind]?.[name])]).toEqual([ref, true]);
    }
  });

  it('refuses a route with no contract, another method, or other path parameters', () => {
    const route: DocRoute = { method: 'GET', path: '/client-insights/segments/:id', handler: 'segments.get', audience: 'admin', permissions: [] };
    expect(() => buildOpenApi([{ ...route, handler: 'segments.nope' }])).toThrow('no contract for the handler segments.nope');
    expect(() => buildOpenApi([{ ...route, method: 'POST' }])).toThrow('whose contract is GET');
    expect(() => buildOpenApi([{ ...route, path: '/client-insights/segments/:ref' }])).toThrow('path parameters differ');
    expect(() => buildOpenApi([route, { ...route }])).toThrow('a second route of segments.get');
  });

  it('is the same document every time', () => {
    expect(buildOpenApi(all)).toEqual(doc);
  });
});

describe('notes and version', () => {
  it('has a summary for every endpoint of the contracts, and none for an endpoint that does not exist', () => {
    const handlers = contractEndpoints().map(([h]) => h);
    expect(handlers.filter((h) => !NOTES[h]?.summary)).toEqual([]);
    expect(Object.keys(NOTES).filter((h) => !handlers.includes(h))).toEqual([]);
  });

  it('carries the plugin version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8'));
    expect(API_VERSION).toBe(pkg.version);
  });
});
