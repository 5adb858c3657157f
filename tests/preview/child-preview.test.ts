import { adminSession, apiToken, startStrapi, type TestApp } from '../helpers/strapi';
import { client, createCustomers, currentMembers, region, stage } from '../segments/helpers';

/**
 * A child segment is previewed as its runs materialise it: within its parent (parent's rules AND
 * its own, up the hierarchy), and the answer names the parent (issue 12 item 7).
 */
describe('preview of a child segment', () => {
  let app: TestApp;
  let call: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let ids: number[];
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/segments/rules', { execute: true, ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const preview = async (body: Record<string, unknown>) => {
    const res = await admin('POST', '/client-insights/rules/preview', body);
    if (res.status !== 200) throw new Error(`preview failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    call = client(app, await apiToken(app));
    admin = client(app, await adminSession(app));
    ids = await createCustomers(app.strapi, [
      { name: 'A', stage: 'signed', region: 'Beijing' },
      { name: 'B', stage: 'signed', region: 'Shanghai' },
      { name: 'C', stage: 'in_service', region: 'Beijing' },
      { name: 'D', stage: 'consultation', region: 'Beijing' },
      { name: 'E', stage: 'consultation', region: 'Beijing' },
      { name: 'F', stage: 'in_service', region: 'Shenzhen' },
    ]);
  });
  afterAll(async () => app?.stop());

  it('counts a child within its parent chain, as many as its run materialises, and names the parent', async () => {
    const active = { in: [{ var: 'customer.stage' }, ['signed', 'in_service']] };
    const parent = await create({ name: 'Active', rule: active });
    const child = await create({ name: 'Active Beijing', rule: region('Beijing'), parent: parent.id });
    const grandchild = await create({ name: 'Active Beijing signed', rule: stage('signed'), parent: child.id });
    const members = await currentMembers(app.strapi, child.id);
    expect(members).toEqual([ids[0], ids[2]]);

    // The builder of a new child names its parent: the preview counts what the run will keep.
    const asChild = await preview({ rule: region('Beijing'), parent: parent.id });
    expect(asChild.count).toBe(members.length);
    expect(asChild.scope).toEqual({ parent: { id: parent.id, key: parent.key, name: 'Active' } });
    expect(asChild.sample.map((c: any) => c.id)).toEqual(members);
    // By key too; and the segment being edited is previewed within its stored parent.
    expect((await preview({ rule: region('Beijing'), parent: parent.key })).count).toBe(members.length);
    const editing = await preview({ rule: region('Beijing'), segmentId: child.id });
    expect([editing.count, editing.scope?.parent.id]).toEqual([members.length, parent.id]);

    // Two levels up: the grandchild's preview ANDs both ancestors, as its run does.
    const deep = await preview({ rule: stage('signed'), segmentId: grandchild.id });
    expect(deep.count).toBe((await currentMembers(app.strapi, grandchild.id)).length);
    expect(deep.count).toBe(1);
    expect(deep.scope.parent.key).toBe(child.key);

    // Without a parent (or with parent: null while editing) the rule alone: D and E are in Beijing too.
    const alone = await preview({ rule: region('Beijing') });
    expect([alone.count, alone.scope]).toEqual([4, null]);
    expect((await preview({ rule: region('Beijing'), segmentId: child.id, parent: null })).count).toBe(4);
  });

  it('refuses an unknown parent with a pointer to it', async () => {
    const res = await admin('POST', '/client-insights/rules/preview', { rule: region('Beijing'), parent: 'no-such-segment' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([{ path: '/parent', message: 'segment "no-such-segment" not found' }]);
  });
});
