import type { Knex } from 'knex';
import { bindDate } from '../../core/db/dialect';
import { ACTIVE_DAYS } from './kpis';
import type { HostTables } from '../../core/db/tables';

const DAY = 24 * 3600 * 1000;

/**
 * The customers behind the retention KPI at `now` (kpis.ts, current point): its base are the
 * customers with an interaction in the 30 days before the last 30; `retained: true` keeps those
 * with an interaction since (rows dated after now included, as the KPI counts them), `false`
 * those without. Applied to a query on customers aliased `c`.
 */
export const whereRetention = (knex: Knex, t: HostTables, q: Knex.QueryBuilder, now: Date, retained: boolean) => {
  const link = t.interactionCustomer;
  const activeSince = (alias: string, from: Date, to?: Date) =>
    knex(`${t.interactions} as ${alias}`)
      .join(`${link.table} as ${alias}l`, `${alias}l.${link.interaction}`, `${alias}.id`)
      .select(knex.raw('1'))
      .whereRaw(`${alias}l.${link.customer} = c.id`)
      .where(`${alias}.occurred_at`, '>', bindDate(knex, from))
      .modify((w) => {
        if (to) w.where(`${alias}.occurred_at`, '<=', bindDate(knex, to));
      });
  const window = ACTIVE_DAYS * DAY;
  const recent = new Date(now.getTime() - window);
  q.whereExists(activeSince('rb', new Date(now.getTime() - 2 * window), recent));
  if (retained) q.whereExists(activeSince('rr', recent));
  else q.whereNotExists(activeSince('rr', recent));
};
