import { ensureRoles } from '../../src/bootstrap/roles';
import { ROLE_MATRIX } from '../../src/bootstrap/role-matrix';
import { startStrapi, type TestApp } from '../helpers/strapi';

describe('admin roles', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi();
  });
  afterAll(async () => app?.stop());

  const permissionsOf = async (code: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    expect(role).toBeTruthy();
    return app.strapi.db.query('admin::permission').findMany({ where: { role: { id: role.id } } });
  };
  const actions = (permissions: any[]) => permissions.map((p) => `${p.action}${p.subject ? `@${p.subject}` : ''}`).sort();

  it('creates the four roles on bootstrap', async () => {
    const names = (await app.strapi.db.query('admin::role').findMany()).map((r: any) => r.name);
    expect(names).toEqual(expect.arrayContaining(['Marketing Operations', 'Sales Manager', 'Data Team', 'Management']));
  });

  it('gives each role its permission matrix', async () => {
    const marketing = actions(await permissionsOf('client-insights-marketing-operations'));
    expect(marketing).toEqual(
      expect.arrayContaining([
        'plugin::client-insights.segments.create',
        'plugin::client-insights.segments.update',
        'plugin::client-insights.tags.manage',
        'plugin::client-insights.automation.manage',
        'plugin::content-manager.explorer.create@api::tag.tag',
        'plugin::content-manager.explorer.update@api::segment.segment',
      ])
    );
    expect(marketing).not.toContain('plugin::client-insights.automation.approve');

    const sales = actions(await permissionsOf('client-insights-sales-manager'));
    expect(sales).toEqual(expect.arrayContaining(['plugin::client-insights.segments.read', 'plugin::content-manager.explorer.create@api::task.task']));
    // Sales cannot change core tags.
    expect(sales).not.toContain('plugin::client-insights.tags.manage');
    expect(sales).not.toContain('plugin::content-manager.explorer.update@api::tag.tag');
    expect(sales).not.toContain('plugin::client-insights.segments.delete');

    const data = actions(await permissionsOf('client-insights-data-team'));
    expect(data).toEqual(expect.arrayContaining(['plugin::client-insights.models.manage', 'plugin::client-insights.sensitive.view']));

    const management = actions(await permissionsOf('client-insights-management'));
    expect(management).toEqual(
      expect.arrayContaining(['plugin::client-insights.automation.approve', 'plugin::client-insights.export.approve', 'plugin::client-insights.tags.manage'])
    );
    // Every bootstrap role reads the segment reports (analytics, trends).
    for (const role of [marketing, sales, data, management]) expect(role).toContain('plugin::client-insights.reports.read');
  });

  it('hides contact fields from roles without the sensitive-field permission', async () => {
    const readCustomer = (await permissionsOf('client-insights-sales-manager')).find(
      (p: any) => p.action === 'plugin::content-manager.explorer.read' && p.subject === 'api::customer.customer'
    );
    expect(readCustomer.properties.fields).toEqual(expect.arrayContaining(['name', 'stage', 'region']));
    expect(readCustomer.properties.fields).not.toContain('email');
    expect(readCustomer.properties.fields).not.toContain('phone');
    const dataRead = (await permissionsOf('client-insights-data-team')).find(
      (p: any) => p.action === 'plugin::content-manager.explorer.read' && p.subject === 'api::customer.customer'
    );
    expect(dataRead.properties.fields).toEqual(expect.arrayContaining(['email', 'phone']));
  });

  it('is idempotent and keeps what an administrator added', async () => {
    const before = await app.strapi.db.query('admin::permission').count();
    const sales = await app.strapi.db.query('admin::role').findOne({ where: { code: 'client-insights-sales-manager' } });
    await app.strapi.service('admin::role').addPermissions(sales.id, [{ action: 'plugin::client-insights.segments.run', subject: null }]);
    await ensureRoles(app.strapi);
    await ensureRoles(app.strapi);
    expect(await app.strapi.db.query('admin::role').count({ where: { code: { $in: ROLE_MATRIX.map((r) => r.code) } } })).toBe(4);
    expect(await app.strapi.db.query('admin::permission').count()).toBe(before + 1);
    expect(actions(await permissionsOf('client-insights-sales-manager'))).toContain('plugin::client-insights.segments.run');
  });
});
