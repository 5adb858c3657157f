import type { Knex } from 'knex';
import { createEventBus } from './bus';

const trx = { marker: 'trx' } as unknown as Knex;
const quietLog = () => {
  const errors: string[] = [];
  return { errors, log: { error: (msg: string) => void errors.push(msg) } };
};

describe('event bus', () => {
  it("runs in-transaction hooks in order with the writer's transaction, and their errors reach the writer", async () => {
    const bus = createEventBus(quietLog().log);
    const seen: string[] = [];
    bus.hook('customers.changed', async (t, { customerIds }) => void seen.push(`a:${(t as any).marker}:${customerIds.join(',')}`));
    bus.hook('customers.changed', async () => void seen.push('b'));
    await bus.within(trx, 'customers.changed', { customerIds: [1, 2] });
    expect(seen).toEqual(['a:trx:1,2', 'b']);

    bus.hook('customers.changed', async () => {
      throw new Error('outbox full');
    });
    await expect(bus.within(trx, 'customers.changed', { customerIds: [3] })).rejects.toThrow('outbox full');
  });

  it('starts after-commit listeners at once; a failing listener is logged and never reaches the writer', async () => {
    const { errors, log } = quietLog();
    const bus = createEventBus(log);
    const got: unknown[] = [];
    bus.on('tags.changed', (payload) => void got.push(payload));
    bus.on('tags.changed', () => {
      throw new Error('sync boom');
    });
    bus.on('tags.changed', async () => {
      throw new Error('async boom');
    });
    const payload = { tagId: 4, customerIds: null, added: 2, removed: 0 };
    const done = bus.publish('tags.changed', payload);
    // Recorded before publish's promise is awaited.
    expect(got).toEqual([payload]);
    await expect(done).resolves.toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('sync boom'), expect.stringContaining('async boom')]);
  });

  it('keeps names apart, unsubscribes, and idle() waits for slow listeners', async () => {
    const bus = createEventBus(quietLog().log);
    let finished = 0;
    const off = bus.on('values.refreshed', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished += 1;
    });
    const other = jest.fn();
    bus.on('customers.changed', other);
    void bus.publish('values.refreshed', { runId: 1, modelVersion: 'v1', at: new Date(0).toISOString(), fields: ['score.clv'] });
    expect(finished).toBe(0);
    await bus.idle();
    expect(finished).toBe(1);
    expect(other).not.toHaveBeenCalled();
    off();
    await bus.publish('values.refreshed', { runId: 2, modelVersion: 'v2', at: new Date(0).toISOString(), fields: [] });
    expect(finished).toBe(1);
    // No hooks: nothing to run, nothing thrown.
    await expect(bus.within(trx, 'segment.membership.changed', { segmentId: 1, runId: 1, source: 'run', entered: 1, exited: 0 })).resolves.toBeUndefined();
  });
});
