import { withLock } from '../../plugins/client-insights/server/src/core/db/dialect';
import { createFreshDatabase, dbClient, type FreshDatabase } from '../helpers/databases';

/**
 * The cross-process lock on a real server: held for one database, it keeps another process on that
 * database out and leaves a process on another database of the same server alone (MySQL's GET_LOCK
 * names are server-wide: two apps, or two test databases, on one MariaDB used to block each other).
 * SQLite has one process per file: nothing to test there.
 */
const onServer = dbClient() === 'sqlite' ? describe.skip : describe;

/** The lock module as another process loads it: its own in-process guard, only the server in common. */
const anotherProcess = (): typeof withLock => {
  let copy!: typeof withLock;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../plugins/client-insights/server/src/core/db/dialect').withLock;
  });
  return copy;
};

onServer('withLock across the databases of one server', () => {
  let one: FreshDatabase;
  let other: FreshDatabase;
  beforeAll(async () => {
    one = await createFreshDatabase();
    other = await createFreshDatabase();
  });
  afterAll(async () => {
    await one?.drop();
    await other?.drop();
  });

  it('is per database: another process gets the same name on another database, not on the same one', async () => {
    const [holderDb, sameDb, otherDb] = [one.connect(), one.connect(), other.connect()];
    const elsewhere = anotherProcess();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    try {
      const holder = withLock(holderDb, 'values:refresh', async () => {
        holding();
        await released;
      });
      await held;
      expect(await elsewhere(otherDb, 'values:refresh', async () => 'ran', { wait: false })).toEqual({ acquired: true, result: 'ran' });
      expect(await elsewhere(sameDb, 'values:refresh', async () => 'ran', { wait: false })).toEqual({ acquired: false });
      release();
      await holder;
      expect(await elsewhere(sameDb, 'values:refresh', async () => 'ran', { wait: false })).toEqual({ acquired: true, result: 'ran' });
    } finally {
      release();
      await Promise.all([holderDb.destroy(), sameDb.destroy(), otherDb.destroy()]);
    }
  });
});
