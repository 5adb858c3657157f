import { adminSession, pluginCall, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * GET /campaigns, the list the admin's campaign pickers read: campaigns made through the Document
 * Service come back by name with their channel and holdout; `q` finds a part of the name in any
 * case (Chinese names too); `limit` caps the list; either automation.manage or reports.read may
 * read it, a role with neither is refused; a bad query is a 400 naming the field.
 */
describe('campaign list', () => {
  let app: TestApp;
  let admin: string;
  const made: Record<string, number> = {};

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const campaigns = app.strapi.documents('api::campaign.campaign' as any);
    for (const data of [
      { name: 'Spring fair', channel: 'event', holdout_percent: 10 },
      { name: '春季促销', channel: 'sms' },
      { name: 'Autumn webinar', channel: null, holdout_percent: 0 },
    ]) {
      const doc: any = await campaigns.create({ data: data as any });
      made[data.name] = doc.id;
    }
  });
  afterAll(async () => app?.stop());

  it('lists every campaign by name with its id, channel and holdout', async () => {
    const res = await pluginCall(app, admin, 'GET', '/campaigns');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: made['Autumn webinar'], name: 'Autumn webinar', channel: null, holdoutPercent: 0 },
      { id: made['Spring fair'], name: 'Spring fair', channel: 'event', holdoutPercent: 10 },
      { id: made['春季促销'], name: '春季促销', channel: 'sms', holdoutPercent: 0 },
    ]);
  });

  it('searches by a part of the name, in any case, and caps the list at limit', async () => {
    const names = async (query: string) => ((await pluginCall(app, admin, 'GET', `/campaigns?${query}`)).body.data as any[]).map((c) => c.name);
    expect(await names('q=FAIR')).toEqual(['Spring fair']);
    expect(await names(`q=${encodeURIComponent('促销')}`)).toEqual(['春季促销']);
    expect(await names('q=nothing-like-it')).toEqual([]);
    expect(await names('limit=2')).toEqual(['Autumn webinar', 'Spring fair']);
  });

  it('is readable with automation.manage or with reports.read, refused (403) with neither', async () => {
    const manager = await restrictedSession(app, ['automation.manage']);
    const reader = await restrictedSession(app, ['reports.read']);
    const neither = await restrictedSession(app, ['segments.read', 'tags.manage']);
    expect((await pluginCall(app, manager, 'GET', '/campaigns')).body.data).toHaveLength(3);
    expect((await pluginCall(app, reader, 'GET', '/campaigns?q=spring')).body.data).toHaveLength(1);
    const refused = await pluginCall(app, neither, 'GET', '/campaigns');
    expect(refused.status).toBe(403);
    expect(refused.body.data).toBeNull();
  });

  it('refuses a bad query with a 400 naming the field', async () => {
    for (const [query, pointer] of [
      ['limit=0', '/limit'],
      ['limit=abc', '/limit'],
      ['limit=501', '/limit'],
      [`q=${'x'.repeat(101)}`, '/q'],
      ['sort=name', '/sort'],
    ]) {
      const res = await pluginCall(app, admin, 'GET', `/campaigns?${query}`);
      expect({ query, status: res.status, name: res.body.error?.name }).toEqual({ query, status: 400, name: 'ValidationError' });
      expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
    }
  });
});
