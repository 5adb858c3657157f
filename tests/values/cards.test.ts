import { bindDate } from '../../plugins/client-insights/server/src/core/db/dialect';
import { markDirty } from '../../plugins/client-insights/server/src/modules/metrics/queue';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';
import { insertPeople, makePeople } from './dataset';

const RFM_SEGMENTS = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'lost'];
const QUADRANTS = ['high_value', 'potential', 'dormant', 'churn_risk'];
type Card = {
  kind: string;
  key: string;
  customers: number;
  share: number;
  previous: number | null;
  change: number | null;
  strategy: string;
  tasksToday: unknown;
};

/**
 * The value page's strategy cards (GET /values/cards), the chart hover details (GET
 * /values/groups) and follow-up tasks from a card (POST /values/cards/tasks): sizes equal the
 * customer list's drill-downs, trends compare with the previous calculation, tasks are created
 * once per card and day for the customers' owners, and roles see and do only what they may.
 */
describe('value strategy cards, hover details and card tasks', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  let marketing: string;
  let reader: string;
  let salesUserId: number;
  const people = makePeople(41, 90, new Date());

  const call = async (token: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };
  const login = async (code: string, email: string) => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
    const user = await app.strapi
      .service('admin::user')
      .create({ email, firstname: 'R', lastname: 'U', password: 'Role12345!', isActive: true, roles: [role.id] });
    const res = await fetch(`${app.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'Role12345!' }),
    });
    return { token: ((await res.json()) as any).data.token as string, id: Number(user.id) };
  };
  const calculate = async () => {
    const started = await call(admin, '/values/calculate', {});
    expect(started.status).toBe(202);
    for (let i = 0; i < 600; i += 1) {
      // A poll that fails at the network level is retried, as the admin's useJob does: on SQLite a
      // refresh can hold the event loop past the server's keep-alive timeout, which then resets
      // the pooled connection the poll went out on.
      const polled = await call(admin, `/values/calculate/${started.body.data.id}`).catch(() => null);
      if (!polled) continue;
      const job = polled.body.data;
      if (job.status === 'success') return job.result.runId as number;
      if (job.status === 'failed') throw new Error(job.error);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('calculation did not finish');
  };
  const cards = async (token = admin) => {
    const res = await call(token, '/values/cards');
    expect(res.status).toBe(200);
    return res.body.data as { runId: number | null; previousRunId: number | null; scored: number; cards: Card[] };
  };
  const listTotal = async (filter: Record<string, string | number>) => {
    const res = await call(admin, `/customers?${new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]))}&pageSize=1`);
    expect(res.status).toBe(200);
    return res.body.meta.pagination.total as number;
  };
  const taskCount = () => app.strapi.documents('api::task.task').count({});

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    const s = await login('client-insights-sales-manager', 'sales@cards.local');
    sales = s.token;
    salesUserId = s.id;
    marketing = (await login('client-insights-marketing-operations', 'marketing@cards.local')).token;
    reader = await restrictedSession(app, ['segments.read']);
  });
  afterAll(async () => app?.stop());

  it('answers cleanly before any calculation (no scores yet)', async () => {
    expect(await cards()).toEqual({ runId: null, calculatedAt: null, previousRunId: null, previousCalculatedAt: null, scored: 0, cards: [] });
    const group = await call(admin, '/values/groups?r=5&f=1&hasOrders=true');
    expect(group.status).toBe(200);
    expect(group.body.data).toEqual({
      runId: null,
      customers: 0,
      avgRecencyDays: null,
      avgFrequency: null,
      avgMonetary: null,
      avgClv: null,
      representatives: [],
    });
    const tasks = await call(admin, '/values/cards/tasks', { kind: 'quadrant', key: 'dormant', title: 'Nobody yet' });
    expect(tasks.status).toBe(201);
    expect(tasks.body.data).toMatchObject({ created: 0, repeated: false, tasks: 0 });
    expect(await taskCount()).toBe(0);
  });

  let first: Awaited<ReturnType<typeof cards>>;
  const runs: number[] = [];
  let movedId = 0;

  it('gives one card per RFM segment and quadrant whose size is the drill-down count, "first calculation" without a trend', async () => {
    const knex = app.strapi.db.connection;
    await insertPeople(knex, people, (ms) => bindDate(knex, new Date(ms)));
    runs.push(await calculate());
    first = await cards();
    expect(first.runId).toBe(runs[0]);
    expect(first.previousRunId).toBeNull();
    expect(first.scored).toBe(people.length);
    expect(first.cards.map((c) => `${c.kind}:${c.key}`)).toEqual([...RFM_SEGMENTS.map((k) => `rfmSegment:${k}`), ...QUADRANTS.map((k) => `quadrant:${k}`)]);
    for (const card of first.cards) {
      expect({ card: card.key, previous: card.previous, change: card.change }).toEqual({ card: card.key, previous: null, change: null });
      expect({ card: card.key, listed: await listTotal({ [card.kind]: card.key }) }).toEqual({ card: card.key, listed: card.customers });
      expect(card.share).toBeCloseTo(card.customers / people.length, 10);
      expect(typeof card.strategy).toBe('string');
    }
    for (const kind of ['rfmSegment', 'quadrant']) {
      expect(first.cards.filter((c) => c.kind === kind).reduce((s, c) => s + c.customers, 0)).toBe(people.length);
    }
    // Each card suggests its own strategy.
    expect(new Set(first.cards.map((c) => c.strategy)).size).toBe(first.cards.length);
    // Several cards are non-empty on this data, or the equalities above say little.
    expect(first.cards.filter((c) => c.customers > 0).length).toBeGreaterThan(4);
  });

  it('shows, for every heatmap cell and scatter bubble, its count, the averages of its customers and up to 5 of them', async () => {
    const knex = app.strapi.db.connection;
    const cells = (await call(admin, '/values/rfm')).body.data.matrix as Array<{ r: number; f: number; customers: number }>;
    const rows = await knex('ci_value_score_history as h')
      .join('ci_customer_scores as s', 's.customer_id', 'h.customer_id')
      .where('h.run_id', runs[0])
      .select('h.customer_id', 'h.has_orders', 'h.recency_days', 'h.frequency', 'h.monetary_capped', 's.r', 's.f', 's.m', 's.quadrant', 's.clv');
    const avg = (xs: Array<number | null>) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    };
    const n = (v: unknown) => (v === null ? null : Number(v));
    const expectGroup = async (query: Record<string, string | number>, members: any[]) => {
      const res = await call(admin, `/values/groups?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`);
      expect(res.status).toBe(200);
      const g = res.body.data;
      expect(g.customers).toBe(members.length);
      for (const [field, column] of [
        ['avgRecencyDays', 'recency_days'],
        ['avgFrequency', 'frequency'],
        ['avgMonetary', 'monetary_capped'],
        ['avgClv', 'clv'],
      ]) {
        const expected = avg(members.map((m) => n(m[column])));
        if (expected === null) expect(g[field]).toBeNull();
        else expect(g[field]).toBeCloseTo(expected, 2);
      }
      const top = [...members].sort((a, b) => (n(b.clv) ?? -Infinity) - (n(a.clv) ?? -Infinity) || a.customer_id - b.customer_id).slice(0, 5);
      expect(g.representatives.map((r: any) => r.id)).toEqual(top.map((m) => Number(m.customer_id)));
      for (const r of g.representatives) expect(r.name).toMatch(/^P\d{3}$/);
      return g;
    };
    expect(cells.length).toBeGreaterThan(1);
    for (const cell of cells) {
      const members = rows.filter((m: any) => Number(m.has_orders) === 1 && Number(m.r) === cell.r && Number(m.f) === cell.f);
      expect(members).toHaveLength(cell.customers);
      await expectGroup({ r: cell.r, f: cell.f, hasOrders: 'true' }, members);
    }
    const points = (await call(admin, '/overview/value-charts')).body.data.points as Array<{ quadrant: string; r: number; m: number; customers: number }>;
    for (const p of points) {
      const members = rows.filter((m: any) => m.quadrant === p.quadrant && Number(m.r) === p.r && Number(m.m) === p.m);
      const g = await expectGroup({ quadrant: p.quadrant, r: p.r, m: p.m }, members);
      expect(g.customers).toBe(p.customers);
    }
    const big = first.cards.filter((c) => c.kind === 'quadrant').sort((a, b) => b.customers - a.customers)[0];
    const g = await expectGroup(
      { quadrant: big.key },
      rows.filter((m: any) => m.quadrant === big.key)
    );
    expect(g.representatives).toHaveLength(Math.min(5, big.customers));
  });

  it('refuses bad hover and card-task requests with a 400 naming the field', async () => {
    const badScore = await call(admin, '/values/groups?r=9');
    expect([badScore.status, badScore.body.error.details.errors[0].path]).toEqual([400, '/r']);
    const unknown = await call(admin, '/values/groups?segment=vip');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.errors[0].message).toContain('segment');
    const badKey = await call(admin, '/values/cards/tasks', { kind: 'quadrant', key: 'champions', title: 'x' });
    expect([badKey.status, badKey.body.error.details.errors[0].path]).toEqual([400, '/key']);
    const noTitle = await call(admin, '/values/cards/tasks', { kind: 'quadrant', key: 'dormant', title: '  ' });
    expect([noTitle.status, noTitle.body.error.details.errors[0].path]).toEqual([400, '/title']);
    expect(await taskCount()).toBe(0);
  });

  it('shows the change since the previous calculation after a second one', async () => {
    const knex = app.strapi.db.connection;
    // Between the runs a dormant customer gets an overdue order: a risk signal, dormant → churn_risk.
    const dormant = await knex('ci_customer_scores').where({ quadrant: 'dormant' }).orderBy('customer_id').first('customer_id');
    movedId = Number(dormant.customer_id);
    const stamp = bindDate(knex, new Date());
    await knex('orders').insert({
      document_id: 'cards-overdue-0001',
      amount: 100,
      kind: 'upsell',
      payment_status: 'overdue',
      currency: 'CNY',
      ordered_at: bindDate(knex, new Date(Date.now() - 5 * 86_400_000)),
      created_at: stamp,
      updated_at: stamp,
      published_at: stamp,
    });
    const order = await knex('orders').where({ document_id: 'cards-overdue-0001' }).first('id');
    await knex('orders_customer_lnk').insert({ order_id: order.id, customer_id: movedId, order_ord: 1 });
    await markDirty(knex, [movedId]);
    runs.push(await calculate());

    const second = await cards();
    expect([second.runId, second.previousRunId]).toEqual([runs[1], runs[0]]);
    for (const card of second.cards) {
      const before = first.cards.find((c) => c.kind === card.kind && c.key === card.key)!;
      expect({ card: card.key, previous: card.previous, change: card.change }).toEqual({
        card: card.key,
        previous: before.customers,
        change: card.customers - before.customers,
      });
      expect(await listTotal({ [card.kind]: card.key })).toBe(card.customers);
    }
    const change = (key: string) => second.cards.find((c) => c.kind === 'quadrant' && c.key === key)!.change;
    expect([change('dormant'), change('churn_risk'), change('high_value'), change('potential')]).toEqual([-1, 1, 0, 0]);
  });

  it("creates one task per customer of a card, for the customer's owner, once per card and day (a double click creates once)", async () => {
    const knex = app.strapi.db.connection;
    const churn = (await cards()).cards.find((c) => c.kind === 'quadrant' && c.key === 'churn_risk')!;
    expect(churn.customers).toBeGreaterThan(1);
    const members = (await knex('ci_customer_scores').where({ quadrant: 'churn_risk' }).orderBy('customer_id').pluck('customer_id')).map(Number);
    // The first member is owned by the sales manager; the others have no owner.
    await knex('customers_owner_lnk').insert({ customer_id: members[0], user_id: salesUserId });

    const body = { kind: 'quadrant', key: 'churn_risk', title: 'Resolve the issue, then win back', dueAt: '2030-01-15T09:00:00.000Z' };
    const [a, b] = await Promise.all([call(sales, '/values/cards/tasks', body), call(sales, '/values/cards/tasks', body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const made = a.status === 201 ? a.body.data : b.body.data;
    const again = a.status === 201 ? b.body.data : a.body.data;
    expect(made).toMatchObject({ created: churn.customers, repeated: false, tasks: churn.customers });
    expect(again).toMatchObject({ created: 0, repeated: true, tasks: churn.customers, day: made.day });
    expect(made.day).toBe(new Date().toISOString().slice(0, 10));

    const tasks = (await app.strapi.documents('api::task.task').findMany({ populate: ['customer', 'assignee'], limit: 1000 } as any)) as any[];
    expect(tasks.map((t) => t.customer.id).sort((x, y) => x - y)).toEqual(members);
    for (const task of tasks) {
      expect(task).toMatchObject({ title: body.title, kind: 'follow_up', task_status: 'open' });
      expect(new Date(task.due_at).toISOString()).toBe(body.dueAt);
      expect(task.assignee?.id ?? null).toBe(task.customer.id === members[0] ? salesUserId : null);
    }
    // A third click later the same day: still nothing new; the card says so.
    const third = await call(admin, '/values/cards/tasks', body);
    expect([third.status, third.body.data.repeated]).toEqual([200, true]);
    expect(await taskCount()).toBe(churn.customers);
    const after = (await cards()).cards.find((c) => c.kind === 'quadrant' && c.key === 'churn_risk')!;
    expect(after.tasksToday).toMatchObject({ tasks: churn.customers });
  });

  it('lets the Sales Manager read cards and hover details (names shown, no contact data) and create tasks; not a role without Task create', async () => {
    const knex = app.strapi.db.connection;
    const top = (await call(admin, '/values/groups?quadrant=dormant')).body.data;
    const p = top.representatives[0];
    await knex('customers').where({ id: p.id }).update({ email: 'rep@example.com', phone: '13800009999' });
    const seen = await call(sales, '/values/groups?quadrant=dormant');
    expect(seen.status).toBe(200);
    expect(seen.body.data.representatives).toEqual(top.representatives);
    expect(seen.text).not.toContain('rep@example.com');
    expect(seen.text).not.toContain('13800009999');
    expect((await cards(sales)).cards).toEqual((await cards()).cards);

    // Without the Task create permission: refused, nothing created, the card not marked.
    const before = await taskCount();
    const body = { kind: 'rfmSegment', key: 'champions', title: 'Refer a friend' };
    for (const token of [marketing, reader]) {
      const refused = await call(token, '/values/cards/tasks', body);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('Tasks');
    }
    expect(await taskCount()).toBe(before);
    // The Sales Manager may not recalculate (models.manage) but may create the tasks.
    expect((await call(sales, '/values/calculate', {})).status).toBe(403);
    const champions = (await cards()).cards.find((c) => c.key === 'champions' && c.kind === 'rfmSegment')!;
    const made = await call(sales, '/values/cards/tasks', body);
    expect([made.status, made.body.data.created]).toEqual([201, champions.customers]);
    expect(await taskCount()).toBe(before + champions.customers);
  });

  it('refuses a card of more than 500 customers with a 400 naming the limit, creating nothing', async () => {
    const knex = app.strapi.db.connection;
    const stamp = bindDate(knex, new Date());
    // Customers without a paid order score into the potential RFM segment and the dormant quadrant.
    const extra = Array.from({ length: 501 }, (_, i) => ({
      document_id: `cards-extra-${String(i).padStart(4, '0')}`,
      name: `X${i}`,
      created_at: stamp,
      updated_at: stamp,
      published_at: stamp,
    }));
    for (let i = 0; i < extra.length; i += 100) await knex('customers').insert(extra.slice(i, i + 100));
    runs.push(await calculate());
    const potential = (await cards()).cards.find((c) => c.kind === 'rfmSegment' && c.key === 'potential')!;
    expect(potential.customers).toBeGreaterThan(500);
    expect(potential.change).toBe(501);
    const before = await taskCount();
    const refused = await call(admin, '/values/cards/tasks', { kind: 'rfmSegment', key: 'potential', title: 'Everyone' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.errors[0].path).toBe('/key');
    expect(refused.body.error.details.errors[0].message).toContain('at most 500');
    expect(refused.body.error.details.errors[0].message).toContain(`${potential.customers} customers`);
    expect(await taskCount()).toBe(before);
    expect((await cards()).cards.find((c) => c.kind === 'rfmSegment' && c.key === 'potential')!.tasksToday).toBeNull();
  });
});
