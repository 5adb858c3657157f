import { errorEnvelopeSchema } from '../../plugins/client-insights/shared/errors';
import { mountedPaths, pluginRoutes } from '../helpers/plugin-routes';
import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * One bad request to every route of the plugin — admin routes, its content-API routes and the
 * /api/segments/* routes the host's Segment API declares with the plugin's handlers — sent with
 * full rights (a super admin, a full-access API token). Every answer must be a 400 in Strapi's
 * error envelope naming the field at fault by JSON pointer; never a 500, never another shape.
 */

type Bad = { params?: Record<string, string>; query?: string; body?: unknown; pointer: string | RegExp };

/** The bad request per handler (a content-API twin gets the same one), and the pointer it must name. */
const BAD: Record<string, Bad> = {
  'rules.catalogue': { query: 'x=1', pointer: '/x' },
  'rules.preview': { body: { sampleSize: 5 }, pointer: '/rule' },
  'rules.validate': { body: { rule: { '==': [{ var: 'customer.nope' }, 1] } }, pointer: /^\/rule\/==\/0/ },
  'customers.list': { query: 'pageSize=0', pointer: '/pageSize' },
  'customers.export': { body: { r: 9 }, pointer: '/r' },
  'customers.followUpTasks': { body: { title: ' ' }, pointer: '/title' },
  'customers.profile': { params: { id: 'abc' }, pointer: '/id' },
  'customers.addTag': { params: { id: '2147483648' }, body: { tagId: 1 }, pointer: '/id' },
  'customers.setConsent': { params: { id: '1', channel: 'email' }, body: { granted: true }, pointer: '/source' },
  'customers.removeTag': { params: { id: '1', tagId: '0' }, pointer: '/tagId' },
  'approvals.list': { query: 'status=done', pointer: '/status' },
  'approvals.get': { params: { id: '0' }, pointer: '/id' },
  'approvals.approve': { params: { id: '1' }, body: { comment: '' }, pointer: '/comment' },
  'approvals.reject': { params: { id: '1' }, body: {}, pointer: '/comment' },
  'approvals.cancel': { params: { id: 'x' }, pointer: '/id' },
  'automation.catalogue': { query: 'x=1', pointer: '/x' },
  'automation.logs': { query: 'status=nope', pointer: '/status' },
  'automation.list': { query: 'pageSize=0', pointer: '/pageSize' },
  'automation.create': { body: { name: 'Bad', trigger: { type: 'event', event: 'nope' }, steps: [] }, pointer: '/trigger/event' },
  'automation.get': { params: { id: 'bad!' }, pointer: '/id' },
  'automation.update': { params: { id: 'some-rule' }, body: { nope: 1 }, pointer: '/nope' },
  'automation.patch': { params: { id: 'some-rule' }, body: { guard: 1, extra: true }, pointer: '/extra' },
  'automation.remove': { params: { id: 'r'.repeat(65) }, pointer: '/id' },
  'automation.activate': { params: { id: 'some-rule' }, body: { now: true }, pointer: '/now' },
  'automation.pause': { params: { id: 'some-rule' }, body: { force: true }, pointer: '/force' },
  'automation.resume': { params: { id: 'bad ref' }, pointer: '/id' },
  'automation.submit': { params: { id: 'some-rule' }, body: { reason: ' ' }, pointer: '/reason' },
  'automation.test': { params: { id: 'some-rule' }, body: { customerId: 0 }, pointer: '/customerId' },
  'automation.figures': { params: { id: 'some-rule' }, query: 'from=yesterday', pointer: '/from' },
  'automation.forecast': { params: { id: 'some-rule' }, body: { segmentId: 0 }, pointer: '/segmentId' },
  'automation.sendTest': { params: { id: 'some-rule' }, body: {}, pointer: '/customerId' },
  'automation.retryDeadLetter': { body: { idemKey: ' ' }, pointer: '/idemKey' },
  'audit.list': { query: 'actorType=robot', pointer: '/actorType' },
  'webhookEndpoints.list': { query: 'x=1', pointer: '/x' },
  'webhookEndpoints.create': { body: { name: 'Hook', url: 'ftp://example.com' }, pointer: '/url' },
  'webhookEndpoints.update': { params: { id: '1' }, body: { url: 'http://user:secret@example.com' }, pointer: '/url' },
  'webhookEndpoints.remove': { params: { id: '0' }, pointer: '/id' },
  'webhookEndpoints.rotateSecret': { params: { id: 'x' }, pointer: '/id' },
  'notifications.list': { query: 'unread=maybe', pointer: '/unread' },
  'notifications.read': { params: { id: '0' }, pointer: '/id' },
  'notifications.readAll': { body: { all: true }, pointer: '/all' },
  'audit.export': { query: 'from=yesterday', pointer: '/from' },
  'privacy.exportData': { params: { id: '0' }, pointer: '/id' },
  'privacy.erase': { params: { id: 'x' }, pointer: '/id' },
  'tags.list': { query: 'category=nope', pointer: '/category' },
  'tags.create': { body: { name: '', category: 'basic' }, pointer: '/name' },
  'tags.merge': { body: { source: 1, target: 1 }, pointer: '/target' },
  'tags.get': { params: { id: '-1' }, pointer: '/id' },
  'tags.update': { params: { id: 'x' }, body: {}, pointer: '/id' },
  'tags.bulk': { params: { id: '1' }, body: { action: 'nope', customerIds: [1] }, pointer: '/action' },
  'tags.runRule': { params: { id: '99999999999' }, pointer: '/id' },
  'tags.ruleLog': { params: { id: '1' }, query: 'limit=0', pointer: '/limit' },
  'segments.list': { query: 'page=0', pointer: '/page' },
  'segments.create': { body: { name: 'Bad', rule: { '==': [{ var: 'customer.nope' }, 1] } }, pointer: /^\/rule\/==\/0/ },
  'segments.tree': { query: 'x=1', pointer: '/x' },
  'segments.primary': { query: 'customerIds=a', pointer: '/customerIds' },
  'segments.results': { query: 'pageSize=501', pointer: '/pageSize' },
  'segments.result': { params: { id: 'bad!ref' }, pointer: '/id' },
  'segments.cancelRun': { params: { id: 'some-run' }, body: { force: true }, pointer: '/force' },
  'segments.resultCustomers': { params: { id: 'some-run' }, query: 'change=nope', pointer: '/change' },
  'segments.exportResult': { params: { id: 'some-run' }, body: { change: 'nope' }, pointer: '/change' },
  'segments.get': { params: { id: 'k'.repeat(101) }, pointer: '/id' },
  'segments.update': { params: { id: 'some-key' }, body: { priority: -1 }, pointer: '/priority' },
  'segments.remove': { params: { id: '0' }, pointer: '/id' },
  'segments.execute': { params: { id: 'some-key' }, body: { wait: 'yes' }, pointer: '/wait' },
  'segments.currentCustomers': { params: { id: 'some-key' }, query: 'pageSize=abc', pointer: '/pageSize' },
  'segmentHistory.history': { params: { id: 'some-key' }, query: 'pageSize=101', pointer: '/pageSize' },
  'segmentHistory.diff': { params: { id: 'some-key' }, query: 'from=0', pointer: '/from' },
  'segmentHistory.version': { params: { id: 'some-key', version: 'latest' }, pointer: '/version' },
  'segmentHistory.restore': { params: { id: 'some-key', version: '1' }, body: { force: true }, pointer: '/force' },
  'segmentHistory.runMembers': { params: { id: 'some-key', run: 'bad!run' }, pointer: '/run' },
  'segmentHistory.compareRuns': { params: { id: 'some-key' }, query: 'from=1&to=2&change=kept', pointer: '/change' },
  'values.rfmMatrix': { query: 'x=1', pointer: '/x' },
  'jobs.get': { params: { jobId: 'abc' }, pointer: '/jobId' },
  'jobs.cancel': { params: { jobId: '0' }, pointer: '/jobId' },
  'exports.start': { body: { source: 'customers', filter: { stage: 'gold' } }, pointer: '/filter/stage' },
  'exports.file': { params: { jobId: '1.5' }, pointer: '/jobId' },
  'sync.list': { query: 'x=1', pointer: '/x' },
  'sync.create': { body: { type: 'webhook', name: 'Hook', config: { url: 'ftp://example.com' } }, pointer: '/config/url' },
  'sync.update': { params: { id: '1' }, body: { timezone: 'Mars/Base' }, pointer: '/timezone' },
  'sync.remove': { params: { id: '0' }, pointer: '/id' },
  'sync.run': { params: { id: '1' }, body: { mode: 'partial' }, pointer: '/mode' },
  'sync.runs': { params: { id: 'x' }, pointer: '/id' },
  'values.calculate': { body: { now: true }, pointer: '/now' },
  'values.calculationStatus': { params: { jobId: 'abc' }, pointer: '/jobId' },
  'values.cancelCalculation': { params: { jobId: '0' }, pointer: '/jobId' },
  'values.migration': { query: 'from=abc', pointer: '/from' },
  'values.models': { query: 'run=0', pointer: '/run' },
  'values.getSettings': { query: 'x=1', pointer: '/x' },
  'values.updateSettings': { body: { rfm: { periodDays: -3 } }, pointer: '/rfm/periodDays' },
  'values.customerScore': { params: { id: 'bad-id!' }, pointer: '/id' },
  'values.cards': { query: 'x=1', pointer: '/x' },
  'values.groups': { query: 'f=0', pointer: '/f' },
  'values.cardTasks': { body: { kind: 'rfmSegment', key: 'dormant', title: 'Call' }, pointer: '/key' },
  'overview.counts': { query: 'x=1', pointer: '/x' },
  'overview.kpis': { query: 'x=1', pointer: '/x' },
  'overview.valueCharts': { query: 'x=1', pointer: '/x' },
  'reports.analytics': { params: { segmentId: 'some-key' }, query: 'from=2026-02-01&to=2026-01-01', pointer: '/to' },
  'reports.trends': { params: { segmentId: 'some-key' }, query: 'from=2026-01-01&to=2026-02-01&timeZone=Mars/Base', pointer: '/timeZone' },
  'reports.flow': { query: 'from=2026-02-01&to=2026-01-01', pointer: '/to' },
  'reports.flowCustomers': { query: 'from=2026-01-01&to=2026-02-01&source=x&target=none', pointer: '/source' },
  'reports.monitoring': { query: 'from=2026-01-01&to=2026-02-01&horizonDays=0', pointer: '/horizonDays' },
  'reports.attribution': { params: { id: '1' }, query: 'window=0', pointer: '/window' },
  'reports.campaigns': { query: 'limit=0', pointer: '/limit' },
  'docs.openapi': { query: 'x=1', pointer: '/x' },
  'monitoring.metrics': { query: 'x=1', pointer: '/x' },
  'crm.customerProfile': { params: { id: '2147483648' }, pointer: '/id' },
  'crm.createTags': {
    body: [
      { name: 'Fine', category: 'basic' },
      { name: 'Bad', category: 'gold' },
    ],
    pointer: '/1/category',
  },
  'crm.applyTag': { body: { tag_id: 1, customer_ids: [] }, pointer: '/customer_ids' },
  'crm.updateTag': { params: { id: '1' }, body: { visibility: 'public' }, pointer: '/visibility' },
  'crm.deleteTag': { params: { id: '0' }, pointer: '/id' },
  // The public email links: a token that is not one (format), or one not signed by the app.
  'emailLinks.unsubscribePage': { params: { token: 'not-a-token' }, pointer: '/token' },
  'emailLinks.unsubscribe': { params: { token: 'eyJrIjoidW5zdWJzY3JpYmUifQ.forged' }, pointer: '/token' },
  'emailLinks.open': { params: { token: 'a.b.c' }, pointer: '/token' },
  'emailLinks.click': { params: { token: 'eyJrIjoiY2xpY2sifQ.forged' }, pointer: '/token' },
  'emailLinks.providerEvent': { body: { event: 'opened', messageId: '<x@y>' }, pointer: '/event' },
};

describe("every plugin route refuses a bad request in Strapi's error envelope", () => {
  let app: TestApp;
  let admin: string;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    token = await apiToken(app);
  });
  afterAll(async () => app?.stop());

  it('covers every route, each answering 400 with the field named by JSON pointer', async () => {
    const routes = pluginRoutes(app);
    // 104 admin routes; 56 content-API routes: the plugin's (14 the integrator API, /api/crm; 5 the public email links, /api/email; 1 the Prometheus metrics), 29 under /api/segments and 1 under /api/campaigns in the host.
    expect(routes.filter((r) => r.as === 'admin')).toHaveLength(104);
    expect(routes.filter((r) => r.as === 'api')).toHaveLength(56);
    const mounted = mountedPaths(app);
    const failures: string[] = [];
    for (const route of routes) {
      const label = `${route.method} ${route.path} (${route.handler})`;
      if (!mounted.has(`${route.method} ${route.path}`)) failures.push(`${label}: not mounted at this path`);
      const bad = BAD[route.handler];
      if (!bad) {
        failures.push(`${label}: no bad request declared for this handler`);
        continue;
      }
      const url = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(bad.params?.[name] ?? '1')) + (bad.query ? `?${bad.query}` : '');
      const res = await fetch(`${app.url}${url}`, {
        method: route.method,
        headers: { authorization: `Bearer ${route.as === 'admin' ? admin : token}`, 'content-type': 'application/json' },
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify(bad.body ?? {}),
      });
      const text = await res.text();
      let body: any = null;
      try {
        body = JSON.parse(text);
      } catch {
        failures.push(`${label}: ${res.status} answered no JSON: ${text.slice(0, 200)}`);
        continue;
      }
      const envelope = errorEnvelopeSchema.safeParse(body);
      if (res.status !== 400) failures.push(`${label}: ${res.status} instead of 400: ${text.slice(0, 300)}`);
      else if (!envelope.success) failures.push(`${label}: not Strapi's error envelope: ${text.slice(0, 300)}`);
      else {
        const { error } = envelope.data;
        const errors = error.details.errors ?? [];
        if (error.status !== 400 || error.name !== 'ValidationError' || !error.message) failures.push(`${label}: envelope ${JSON.stringify(error)}`);
        if (!errors.length || errors.some((e) => e.path !== '' && !/^(\/([^~/]|~[01])*)+$/.test(e.path)))
          failures.push(`${label}: bad pointers ${JSON.stringify(errors)}`);
        const named = errors.some((e) => (typeof bad.pointer === 'string' ? e.path === bad.pointer : bad.pointer.test(e.path)));
        if (!named) failures.push(`${label}: expected ${bad.pointer}, got ${JSON.stringify(errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
