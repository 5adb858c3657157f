import type { Knex } from 'knex';
import { createScheduler } from './scheduler';

const log = { warn: () => undefined, error: () => undefined };
const spec = { name: 'every-minute', cron: '* * * * *', run: async () => undefined };

describe('scheduler', () => {
  const before = process.env.CI_BACKGROUND_JOBS;
  afterEach(() => {
    if (before === undefined) delete process.env.CI_BACKGROUND_JOBS;
    else process.env.CI_BACKGROUND_JOBS = before;
  });

  it('schedules a job on an app node', () => {
    delete process.env.CI_BACKGROUND_JOBS;
    const scheduler = createScheduler({} as Knex, log);
    scheduler.schedule(spec);
    expect(scheduler.names()).toEqual(['every-minute']);
    scheduler.stop();
    expect(scheduler.names()).toEqual([]);
  });

  it('schedules nothing in a command-line script (CI_BACKGROUND_JOBS=off), but still refuses a bad cron', () => {
    process.env.CI_BACKGROUND_JOBS = 'off';
    const scheduler = createScheduler({} as Knex, log);
    scheduler.schedule(spec);
    expect(scheduler.names()).toEqual([]);
    expect(() => scheduler.schedule({ ...spec, cron: 'not a cron' })).toThrow(/not a valid cron/);
  });
});
