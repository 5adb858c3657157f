import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type ZodTypeAny } from 'zod';
import { approvalsApi } from '../../../../shared/contracts/approvals';
import { auditApi } from '../../../../shared/contracts/audit';
import { webhookEndpointsApi } from '../../../../shared/contracts/automation-endpoints';
import { automationApi } from '../../../../shared/contracts/automation';
import { crmApi } from '../../../../shared/contracts/crm';
import { customersApi } from '../../../../shared/contracts/customers';
import { docsApi, type OpenApiDocument } from '../../../../shared/contracts/docs';
import { emailLinksApi } from '../../../../shared/contracts/email-links';
import { exportsApi } from '../../../../shared/contracts/exports';
import { answersMedia, type Endpoint } from '../../../../shared/contracts/http';
import { monitoringApi } from '../../../../shared/contracts/monitoring';
import { jobsApi } from '../../../../shared/contracts/jobs';
import { notificationsApi } from '../../../../shared/contracts/notifications';
import { overviewApi } from '../../../../shared/contracts/overview';
import { privacyApi } from '../../../../shared/contracts/privacy';
import { reportsApi } from '../../../../shared/contracts/reports';
import { rulesApi } from '../../../../shared/contracts/rules';
import { segmentsApi } from '../../../../shared/contracts/segments';
import { segmentHistoryApi } from '../../../../shared/contracts/segment-history';
import { syncApi } from '../../../../shared/contracts/sync';
import { tagsApi } from '../../../../shared/contracts/tags';
import { valuesApi } from '../../../../shared/contracts/values';
import { PLUGIN_ID } from '../../../../shared/permissions';
import { NAMED, RECURSIVE } from './components';
import { NOTES } from './notes';

// zod-to-openapi 7 (the major for zod 3) reads and writes its metadata through `.openapi()`.
extendZodWithOpenApi(z);

/** The plugin's version (its package.json; a unit test keeps them equal). */
export const API_VERSION = '0.1.0';

/** A route the app mounts with a plugin handler, as the document describes it. */
export type DocRoute = {
  method: Endpoint['method'];
  /** The URL pattern as mounted, Strapi style: `/api/crm/segments/:id/run`. */
  path: string;
  /** The plugin handler, `<module>.<action>`; its contract is `<module>Api.<action>` in shared/contracts. */
  handler: string;
  /** `admin`: an admin JWT whose roles hold `permissions` (RBAC actions); `api`: an API token whose scope has `permissions`. */
  audience: 'admin' | 'api';
  permissions: string[];
  /** Open to anyone (`auth: false`). */
  public?: boolean;
};

/** The contracts by module, as handlers name them. */
const CONTRACTS: Record<string, Record<string, Endpoint>> = {
  approvals: approvalsApi,
  audit: auditApi,
  automation: automationApi,
  crm: crmApi,
  customers: customersApi,
  docs: docsApi,
  emailLinks: emailLinksApi,
  exports: exportsApi,
  jobs: jobsApi,
  notifications: notificationsApi,
  monitoring: monitoringApi,
  overview: overviewApi,
  privacy: privacyApi,
  reports: reportsApi,
  rules: rulesApi,
  segments: segmentsApi,
  segmentHistory: segmentHistoryApi,
  sync: syncApi,
  tags: tagsApi,
  values: valuesApi,
  webhookEndpoints: webhookEndpointsApi,
};

/** Every endpoint of the contracts, by handler. */
export const contractEndpoints = (): [string, Endpoint][] =>
  Object.entries(CONTRACTS).flatMap(([module, api]) => Object.entries(api).map(([action, e]) => [`${module}.${action}`, e] as [string, Endpoint]));

const contractOf = (handler: string): Endpoint => {
  const [module, action] = handler.split('.');
  const e = CONTRACTS[module]?.[action];
  if (!e) throw new Error(`no contract for the handler ${handler}: declare it in shared/contracts and list its module in docs/document.ts`);
  return e;
};

const SCHEMAS = '#/components/schemas/';
const RESPONSES = '#/components/responses/';
const SUCCESS: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work goes on after the answer', 302: 'Found: redirected (Location)' };
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const json = <S>(schema: S) => ({ 'application/json': { schema } });
const errorContent = json({ $ref: `${SCHEMAS}ErrorEnvelope` });

const components = {
  securitySchemes: {
    adminJwt: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: "The admin panel's session token (`POST /admin/login`). Each operation lists the plugin's RBAC actions the admin's roles must hold.",
    },
    apiToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'A content-API token (Settings → API Tokens): full access, or custom with the scopes each operation lists.',
    },
  },
  responses: {
    ValidationError: {
      description: 'Bad input, nothing done: `error.details.errors` names each field at fault by JSON pointer into the body, the query or the path parameter.',
      content: errorContent,
    },
    Unauthorized: { description: 'No credentials, or invalid ones.', content: errorContent },
    Forbidden: { description: "The admin's roles lack an action the operation needs, or the API token lacks its scope.", content: errorContent },
    Refused: {
      description:
        '404 unknown (or not visible to the caller), 409 an operation refused in the current state, 410 gone (a run snapshot removed by retention), 413 too large.',
      content: errorContent,
    },
  },
};

const REFUSALS = {
  '400': { $ref: `${RESPONSES}ValidationError` },
  '401': { $ref: `${RESPONSES}Unauthorized` },
  '403': { $ref: `${RESPONSES}Forbidden` },
  '4XX': { $ref: `${RESPONSES}Refused` },
};

/** `/segments/:id` → `/segments/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const pathParams = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

const shapeKeys = (schema: ZodTypeAny | undefined): string[] => {
  let s: any = schema;
  while (s?._def?.typeName === 'ZodEffects') s = s._def.schema;
  return s?._def?.typeName === 'ZodObject' ? Object.keys(s.shape) : [];
};

const access = (route: DocRoute, e: Endpoint) => {
  if (e.bearer) return `No Strapi credentials: its own bearer token, \`Authorization: Bearer <${e.bearer}>\` (the value of that environment variable).`;
  if (route.public) return 'Public: no credentials.';
  const list = route.permissions.map((p) => `\`${p}\``).join(', ');
  return route.audience === 'admin' ? `Admin API: an admin JWT whose roles hold ${list}.` : `Content API: an API token, full access or with the scope ${list}.`;
};

/** One operation: the route's method and path, its contract's schemas, who may call it. */
const operation = (route: DocRoute, operationId: string, twinOf: DocRoute | undefined): RouteConfig => {
  const e = contractOf(route.handler);
  if (e.method !== route.method) throw new Error(`${route.method} ${route.path} runs ${route.handler}, whose contract is ${e.method}`);
  const declared = shapeKeys(e.params).sort().join(',');
  if (pathParams(route.path).sort().join(',') !== declared)
    throw new Error(`${route.method} ${route.path}: its path parameters differ from ${route.handler}'s contract (${declared || 'none'})`);
  const note = NOTES[route.handler];
  const body = e.body && (e.wrappedBody ? z.union([e.body, z.object({ data: e.body }).strict()]) : e.body);
  const answer = answersMedia(e) ? { [e.response]: { schema: { type: 'string' } } } : json(e.response);
  const twin = twinOf ? `The content-API twin of \`${twinOf.method} ${openApiPath(twinOf.path)}\`: the same request and answer.` : '';
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: openApiPath(route.path),
    operationId,
    tags: [route.handler.split('.')[0]],
    summary: note?.summary,
    description: [note?.description, twin, access(route, e), e.wrappedBody ? 'The body may also be sent wrapped, `{ "data": { … } }`.' : '']
      .filter(Boolean)
      .join('\n\n'),
    security: route.public || e.bearer ? [] : [{ [route.audience === 'admin' ? 'adminJwt' : 'apiToken']: route.permissions }],
    'x-strapi-handler': `plugin::${PLUGIN_ID}.${route.handler}`,
    // Params and query are zod objects (or refinements of one); zod-to-openapi's types want exactly that.
    request: { params: e.params as any, query: e.query as any, body: body && { required: !body.safeParse({}).success, content: json(body) } },
    responses: {
      ...Object.fromEntries(
        (e.statuses ?? [200]).map((status): [string, ResponseConfig] => [String(status), { description: SUCCESS[status] ?? 'Done', content: answer as any }])
      ),
      ...REFUSALS,
    },
  };
};

/** `a` before `b`: by path, then GET, POST, PUT, DELETE. */
const byPath = (a: DocRoute, b: DocRoute) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));

/**
 * Operation ids: `<mount>.<handler>`, the mount being `admin` for the admin API, `api` for the
 * plugin's own content-API prefix, else the path's first segment under `/api` (`crm.segments.execute`,
 * `segments.segments.execute` for the /api/segments twin).
 */
const operationIds = (routes: DocRoute[]) => {
  const ids = new Map<DocRoute, string>();
  const taken = new Set<string>();
  for (const route of routes) {
    const mount = route.audience === 'admin' ? 'admin' : route.path.split('/')[2];
    const id = `${mount === PLUGIN_ID ? 'api' : mount}.${route.handler}`;
    if (taken.has(id)) throw new Error(`${route.method} ${route.path}: a second route of ${route.handler} at the same mount (${id})`);
    taken.add(id);
    ids.set(route, id);
  }
  return ids;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Replaces every subschema that is exactly a named component (or it, nullable) by a reference to
 * it. zod-to-openapi 7 recognises a component only by metadata on the schema instance the
 * contracts use, and renders a nullable reference wrongly in 3.1; matching the generated JSON
 * instead leaves the contracts untouched.
 */
const referTo = (named: Record<string, unknown>) => {
  const byJson = new Map<string, unknown>();
  for (const [name, schema] of Object.entries(named)) {
    const ref = { $ref: `${SCHEMAS}${name}` };
    byJson.set(JSON.stringify(schema), ref);
    if (isRecord(schema) && typeof schema.type === 'string')
      byJson.set(JSON.stringify({ ...schema, type: [schema.type, 'null'] }), { anyOf: [ref, { type: 'null' }] });
  }
  const refer = (node: unknown, root = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => refer(n));
    if (!isRecord(node)) return node;
    const ref = root ? undefined : byJson.get(JSON.stringify(node));
    return ref ?? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, refer(v)]));
  };
  return refer;
};

/** The named and recursive components' schemas, generated from the contracts, and the pass that refers to them. */
const schemaComponents = () => {
  const registry = new OpenAPIRegistry();
  for (const [name, schema] of Object.entries(NAMED)) registry.register(name, schema);
  // A recursive schema's body is generated under a working name; inside it, the schema refers to itself.
  for (const [name, lazy] of Object.entries(RECURSIVE)) registry.register(`${name}.body`, lazy.schema);
  const schemas = (new OpenApiGeneratorV31(registry.definitions).generateComponents().components?.schemas ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(RECURSIVE)) {
    schemas[name] = schemas[`${name}.body`];
    delete schemas[`${name}.body`];
  }
  const refer = referTo(schemas);
  return { refer, schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, refer(schema, true)])) };
};

/**
 * The OpenAPI 3.1 document of these routes: each route's contract gives its parameters, query,
 * body and success answer; refusals are Strapi's error envelope; security says who may call.
 */
export const buildOpenApi = (routes: DocRoute[]): OpenApiDocument => {
  const sorted = [...routes].sort(byPath);
  const ids = operationIds(sorted);
  const adminByHandler = new Map(sorted.filter((r) => r.audience === 'admin').map((r) => [r.handler, r]));
  const registry = new OpenAPIRegistry();
  for (const route of sorted)
    registry.registerPath(operation(route, ids.get(route)!, route.audience === 'api' ? adminByHandler.get(route.handler) : undefined));
  const info = {
    title: 'Client Insights API',
    version: API_VERSION,
    description:
      'Every endpoint of the Client Insights plugin: the admin API under `/client-insights` and the content API under `/api`. Generated from the contracts in `plugins/client-insights/shared/contracts`; conventions in `docs/api.md`.',
  };
  const { paths } = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info });
  const { refer, schemas } = schemaComponents();
  return {
    openapi: '3.1.0',
    info,
    tags: [...new Set(sorted.map((r) => r.handler.split('.')[0]))].sort().map((name) => ({ name })),
    paths: refer(paths) as OpenApiDocument['paths'],
    components: { schemas, ...components },
  };
};
