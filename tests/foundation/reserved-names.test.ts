import { contentTypes as ctUtils } from '@strapi/utils';
import { indexExists } from '../../plugins/client-insights/server/src/core/db/dialect';
import { startNode } from '../segments/nodes';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Strapi 5 reserves `status` (draft/publish) and other attribute names: an attribute with such a
 * name makes the content manager refuse every create ("Invalid status"). The host types use their
 * own names (task_status, segment_status, payment_status, rule_status); a database written with the
 * old `status` columns keeps its values when it is upgraded.
 */
const RENAMED = [
  { uid: 'api::task.task', table: 'tasks', column: 'task_status', value: 'in_progress', data: { title: 'Call back', kind: 'follow_up', task_status: 'open' } },
  {
    uid: 'api::segment.segment',
    table: 'segments',
    column: 'segment_status',
    value: 'inactive',
    data: { name: 'Signed', key: 'signed', type: 'dynamic', segment_status: 'active', visibility: 'team' },
  },
  {
    uid: 'api::order.order',
    table: 'orders',
    column: 'payment_status',
    value: 'refunded',
    data: { amount: 10, currency: 'CNY', kind: 'new', payment_status: 'paid', ordered_at: '2025-01-01T00:00:00.000Z' },
  },
  {
    uid: 'api::automation-rule.automation-rule',
    table: 'automation_rules',
    column: 'rule_status',
    value: 'paused',
    data: {
      name: 'Welcome',
      trigger: { type: 'event', event: 'interaction.form_submitted' },
      actions: [{ kind: 'wait', duration: { amount: 1, unit: 'days' } }],
      rule_status: 'draft',
    },
  },
] as const;

describe('content types and Strapi reserved attribute names', () => {
  let app: TestApp;
  let admin: string;
  const cm = async (token: string, uid: string, data: unknown) => {
    const res = await fetch(`${app.url}/content-manager/collection-types/${uid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(data),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
  });
  afterAll(async () => app?.stop());

  it('uses no attribute name Strapi reserves', () => {
    // The declared attributes (Strapi adds its own reserved ones to the loaded types).
    const clashes = Object.values(app.strapi.contentTypes)
      .filter((ct: any) => ct.uid.startsWith('api::'))
      .flatMap((ct: any) =>
        Object.keys(ct.__schema__.attributes)
          .filter((name) => ctUtils.isReservedAttributeName(name))
          .map((name) => `${ct.uid}.${name}`)
      );
    expect(clashes).toEqual([]);
  });

  it('creates a task, a segment, an order and an automation rule in the content manager', async () => {
    for (const { uid, table, column, data } of RENAMED) {
      const res = await cm(admin, uid, data);
      expect([uid, res.status, res.body.error ?? null]).toEqual([uid, 201, null]);
      const row = await app.strapi.db.connection(table).where({ document_id: res.body.data.documentId }).first();
      expect(row[column]).toBe((data as any)[column]);
    }
  });

  it('creates a task for a Sales-Manager-like role from the profile card (content manager) and the list (plugin)', async () => {
    const customer = await app.strapi.documents('api::customer.customer').create({ data: { name: '朱小明', stage: 'signed' } as any });
    const sales = await restrictedSession(app, [
      'segments.read',
      {
        action: 'plugin::content-manager.explorer.create',
        subject: 'api::task.task',
        fields: ['title', 'customer', 'assignee', 'due_at', 'kind', 'task_status'],
      },
      {
        action: 'plugin::content-manager.explorer.read',
        subject: 'api::task.task',
        fields: ['title', 'customer', 'assignee', 'due_at', 'kind', 'task_status'],
      },
    ]);
    const single = await cm(sales, 'api::task.task', {
      title: 'Profile task',
      kind: 'follow_up',
      task_status: 'open',
      customer: { connect: [{ documentId: customer.documentId }] },
    });
    expect([single.status, single.body.error ?? null]).toEqual([201, null]);
    const list = await fetch(`${app.url}/client-insights/customers/follow-up-tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sales}` },
      body: JSON.stringify({ filter: { q: String(customer.id) }, title: 'List task' }),
    });
    expect([list.status, await list.json()]).toEqual([200, { data: { created: 1 } }]);
    const rows = await app.strapi.db.connection('tasks').whereIn('title', ['Profile task', 'List task']).orderBy('title', 'asc').select('title', 'task_status');
    expect(rows).toEqual([
      { title: 'List task', task_status: 'open' },
      { title: 'Profile task', task_status: 'open' },
    ]);
  });

  it('keeps the values of the old `status` columns, and roles their field permission, when an old database is upgraded', async () => {
    const knex = app.strapi.db.connection;
    const salesRole = await app.strapi.db.query('admin::role').findOne({ where: { code: 'client-insights-sales-manager' } });
    // Turn this database back into one written before the rename: old column names (values kept
    // by the rename), the stored schema Strapi diffs against, the role's field list, and the
    // migration that follows the rename not yet applied.
    for (const { table, column, value } of RENAMED) {
      expect([table, await knex(table).update({ [column]: value })]).toEqual([table, expect.any(Number)]);
      expect(Number((await knex(table).count({ n: '*' }).first())?.n)).toBeGreaterThan(0);
      await knex.schema.alterTable(table, (t) => t.renameColumn(column, 'status'));
    }
    await knex.schema.alterTable('orders', (t) => t.dropIndex([], 'ci_orders_payment_status_ordered_at_idx'));
    await knex.schema.alterTable('orders', (t) => t.index(['status', 'ordered_at'], 'ci_orders_status_ordered_at_idx'));
    if (await knex.schema.hasTable('ci_migrations')) await knex('ci_migrations').where('id', 'like', '%status-attributes%').delete();
    const stored = await knex('strapi_database_schema').orderBy('id', 'desc').first();
    const schema = typeof stored.schema === 'string' ? JSON.parse(stored.schema) : stored.schema;
    for (const table of schema.tables) {
      const renamed = RENAMED.find((r) => r.table === table.name);
      for (const col of renamed ? table.columns : []) if (col.name === renamed!.column) col.name = 'status';
    }
    await knex('strapi_database_schema')
      .where({ id: stored.id })
      .update({ schema: JSON.stringify(schema) });
    const permissions = await knex('admin_permissions').where('subject', 'api::task.task').select('id', 'properties');
    for (const p of permissions) {
      const properties = typeof p.properties === 'string' ? JSON.parse(p.properties) : p.properties;
      if (Array.isArray(properties?.fields)) {
        properties.fields = properties.fields.map((f: string) => (f === 'task_status' ? 'status' : f));
        await knex('admin_permissions')
          .where({ id: p.id })
          .update({ properties: JSON.stringify(properties) });
      }
    }

    // Boot the new code on it in a second process.
    const node = await startNode(app);
    node.child.kill('SIGTERM');
    await node.exited.catch(() => undefined);

    const check = app.db.connect();
    try {
      for (const { table, column, value } of RENAMED) {
        expect([table, await check.schema.hasColumn(table, 'status')]).toEqual([table, false]);
        const values = [...new Set((await check(table).select(column)).map((r: any) => r[column]))];
        expect([table, values]).toEqual([table, [value]]);
      }
      const salesPermissions = await check('admin_permissions as p')
        .join('admin_permissions_role_lnk as l', 'l.permission_id', 'p.id')
        .where({ 'l.role_id': salesRole.id, 'p.subject': 'api::task.task', 'p.action': 'plugin::content-manager.explorer.create' })
        .select('p.properties');
      const fields = salesPermissions.flatMap((p: any) => (typeof p.properties === 'string' ? JSON.parse(p.properties) : p.properties).fields);
      expect(fields).toContain('task_status');
      expect(fields).not.toContain('status');
      expect(await indexExists(check, 'orders', 'ci_orders_payment_status_ordered_at_idx')).toBe(true);
      expect(await indexExists(check, 'orders', 'ci_orders_status_ordered_at_idx')).toBe(false);
    } finally {
      await check.destroy();
    }
  });
});
