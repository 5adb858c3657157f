import type { Knex } from 'knex';
import type { EventName, EventPayloads } from './types';

/**
 * The seam between modules: a writer announces each change twice, and a module subscribes to the
 * moment it needs, never to the writer's code.
 *
 * - In-transaction hooks (`hook`, run by the writer's `within`) run inside the writer's
 *   transaction: what they write commits or rolls back with the change, and an error they throw
 *   rolls the change back. This is the ONLY durable way to follow a change. A consumer that must
 *   not miss one (pending segment re-evaluations, an automation outbox row) writes its own row
 *   here and works from that row later; a crash then loses nothing.
 * - After-commit listeners (`on`, run by the writer's `publish`) run once the change is visible to
 *   every connection. They are NOT durable: a crash between the commit and the listener, or a
 *   listener that fails, loses the notice for good. Use them to start work early (a debounce, a
 *   re-run) whose durable record is elsewhere, never as the only record.
 *
 * Hooks run one after another and their errors reach the writer; listeners' errors are logged and
 * never reach it. Subscribe before writers start (bootstrap), or changes made meanwhile are not seen.
 */
export type Unsubscribe = () => void;
export type Hook<K extends EventName> = (trx: Knex, payload: EventPayloads[K]) => Promise<void>;
export type Listener<K extends EventName> = (payload: EventPayloads[K]) => void | Promise<void>;

export type EventBus = {
  /** Subscribes a durable hook, run inside the writer's transaction. */
  hook<K extends EventName>(name: K, fn: Hook<K>): Unsubscribe;
  /** Subscribes a best-effort listener, run after the writer's commit. */
  on<K extends EventName>(name: K, fn: Listener<K>): Unsubscribe;
  /** For writers, inside the transaction that makes the change: runs the hooks in it. */
  within<K extends EventName>(trx: Knex, name: K, payload: EventPayloads[K]): Promise<void>;
  /** For writers, after the commit: starts the listeners; resolves when they settled (never rejects). */
  publish<K extends EventName>(name: K, payload: EventPayloads[K]): Promise<void>;
  /** Resolves once every listener started so far has settled (tests, shutdown). */
  idle(): Promise<void>;
};

export const createEventBus = (log: { error(msg: string): void } = console): EventBus => {
  const hooks = new Map<EventName, Set<Hook<any>>>();
  const listeners = new Map<EventName, Set<Listener<any>>>();
  const inFlight = new Set<Promise<void>>();

  const add = <F>(registry: Map<EventName, Set<F>>, name: EventName, fn: F): Unsubscribe => {
    const set = registry.get(name) ?? new Set<F>();
    registry.set(name, set);
    set.add(fn);
    return () => void set.delete(fn);
  };

  const report = (name: EventName) => (error: unknown) => log.error(`[client-insights] listener of ${name} failed: ${(error as Error)?.message ?? error}`);

  return {
    hook: (name, fn) => add(hooks, name, fn),
    on: (name, fn) => add(listeners, name, fn),

    async within(trx, name, payload) {
      for (const fn of [...(hooks.get(name) ?? [])]) await fn(trx, payload);
    },

    publish(name, payload) {
      const settled = [...(listeners.get(name) ?? [])].map((fn) => {
        // Started at once (a listener that only records something has done so when publish returns).
        let started: Promise<void>;
        try {
          started = Promise.resolve(fn(payload)).catch(report(name));
        } catch (error) {
          report(name)(error);
          started = Promise.resolve();
        }
        inFlight.add(started);
        return started.finally(() => inFlight.delete(started));
      });
      return Promise.all(settled).then(() => undefined);
    },

    async idle() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
};
