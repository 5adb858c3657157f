import { adminSession, startStrapi, type TestApp } from '../helpers/strapi';
import { client } from './helpers';

/**
 * The duplicate-rule warning names other segments, never the one being edited: previews and
 * validations for a segment (segmentId) and the segment's own create/update answers leave it out.
 */
const v = (path: string) => ({ var: path });
const VIP = { and: [{ '>': [v('metrics.total_spent'), 100000] }, { '>=': [{ order_count: [30] }, 1] }] };
const VIP_REWRITTEN = { and: [{ '>=': [{ order_count: [30] }, 1] }, { and: [{ '>': [v('metrics.total_spent'), 100000] }] }] };
const SIGNED = { '==': [v('customer.stage'), 'signed'] };

describe('duplicate-rule warnings while editing a segment', () => {
  let app: TestApp;
  let admin: ReturnType<typeof client>;
  let vip: any;
  let signed: any;
  const duplicates = (warnings: any[]) => warnings.filter((w) => w.kind === 'duplicate').map((w) => w.message);

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = client(app, await adminSession(app));
    vip = (await admin('POST', '/client-insights/segments', { name: 'VIP', key: 'vip', rule: VIP })).body.data;
    signed = (await admin('POST', '/client-insights/segments', { name: 'Signed', key: 'signed', rule: SIGNED })).body.data;
  });
  afterAll(async () => app?.stop());

  it('previews and validates a segment being edited without comparing it to itself', async () => {
    for (const path of ['/client-insights/rules/preview', '/client-insights/rules/validate']) {
      const other = await admin('POST', path, { rule: VIP_REWRITTEN });
      expect([path, duplicates(other.body.data.warnings)]).toEqual([path, ['Same rule as segment "VIP" (vip)']]);
      const editing = await admin('POST', path, { rule: VIP_REWRITTEN, segmentId: vip.id });
      expect([path, editing.status, duplicates(editing.body.data.warnings)]).toEqual([path, 200, []]);
      // Editing another segment into VIP's rule still warns, and suggests VIP.
      const into = await admin('POST', path, { rule: VIP_REWRITTEN, segmentId: signed.id });
      expect(into.body.data.warnings.find((w: any) => w.kind === 'duplicate').suggestion).toContain('{"in_segment": ["vip"]}');
    }
  });

  it("answers a create or an update with the rule's warnings, the segment itself left out", async () => {
    const same = await admin('PUT', `/client-insights/segments/${vip.id}`, { rule: VIP_REWRITTEN });
    expect(same.status).toBe(200);
    expect(same.body.data.warnings).toEqual([]);
    const into = await admin('PUT', `/client-insights/segments/${signed.id}`, { rule: VIP });
    expect(duplicates(into.body.data.warnings)).toEqual(['Same rule as segment "VIP" (vip)']);
    const renamed = await admin('PUT', `/client-insights/segments/${vip.id}`, { name: 'VIP clients' });
    expect(duplicates(renamed.body.data.warnings)).toEqual(['Same rule as segment "Signed" (signed)']);
    const created = await admin('POST', '/client-insights/segments', { name: 'VIP again', rule: VIP_REWRITTEN });
    expect(created.status).toBe(201);
    expect(duplicates(created.body.data.warnings).sort()).toEqual(['Same rule as segment "Signed" (signed)', 'Same rule as segment "VIP clients" (vip)']);
  });
});
