import knexFactory, { type Knex } from 'knex';
import migrations from '../db/migrations';
import { auditRequest } from './requests';
import { recordSystemJob } from './system';

const endpoint = { method: 'DELETE', path: '/segments/:id' } as any;
const viewer = { kind: 'admin', userId: 7, roleIds: [1], seesContact: false } as const;
const ctx = { request: { ip: '10.0.0.9' }, get: () => 'jest', state: {} };

describe('an answered request is audited even when the database refuses the first insert', () => {
  let knex: Knex;
  const errors: string[] = [];
  beforeEach(() => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    errors.length = 0;
    (globalThis as any).strapi = { db: { connection: knex }, log: { error: (m: string) => errors.push(m) } };
  });
  afterEach(async () => {
    delete (globalThis as any).strapi;
    await knex.destroy();
  });
  const createLog = () => migrations.find((m) => m.id === '207-audit-log')!.up(knex);

  it('writes the entry once the table answers again, within the retries', async () => {
    // The first insert fails (no table yet, as a busy or timed-out database would); the table is back before the retry.
    const recorded = auditRequest(ctx, endpoint, viewer, { params: { id: '42' } }, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await createLog();
    await recorded;
    const rows = await knex('ci_audit_log').select('actor_id', 'action', 'target_id', 'status');
    expect(rows).toEqual([{ actor_id: 7, action: 'DELETE /segments/:id', target_id: '42', status: 200 }]);
    expect(errors).toEqual([]);
  });

  it("retries a system job's entry the same way", async () => {
    const log = { error: (m: string) => errors.push(m) };
    const recorded = recordSystemJob(knex, { action: 'segment.schedule', targetType: 'segments', targetId: '3' }, log);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await createLog();
    await recorded;
    expect(await knex('ci_audit_log').select('actor_type', 'action', 'target_id')).toEqual([
      { actor_type: 'system', action: 'segment.schedule', target_id: '3' },
    ]);
    expect(errors).toEqual([]);
  });

  it('logs the failure, without throwing, when every try is refused', async () => {
    await expect(auditRequest(ctx, endpoint, viewer, { params: { id: '42' } }, 200)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/could not record DELETE \/segments\/:id/);
  });
});
