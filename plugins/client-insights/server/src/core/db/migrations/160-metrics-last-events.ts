import { analyzeTables } from '../dialect/planner';
import { updateFromSelect } from '../dialect/schema';
import { datetime, type Migration } from './migration';

/** The interaction types at release (shared/enums.ts INTERACTION_TYPES), named here so this migration stays as it ran. */
const TYPES = [
  'email_sent',
  'email_open',
  'email_click',
  'event_signup',
  'event_checkin',
  'meeting_scheduled',
  'meeting_attended',
  'form_submitted',
  'website_visit',
  'complaint',
  'referral',
  'negative_feedback',
  'follow_up',
];
const column = (type: string) => `last_${type}_at`;

/**
 * Per interaction type, the customer's latest interaction of that type on the metrics row
 * (metrics/last-events.ts), filled here from the activity copy, which the rollup keeps exactly as
 * current: one grouped pass over it and one update of the rows that have events.
 */
const migration: Migration = {
  id: '160-metrics-last-events',
  async up(knex) {
    await knex.schema.alterTable('ci_customer_metrics', (t) => {
      for (const type of TYPES) datetime(t, column(type)).nullable();
    });
    const latest = knex('ci_customer_events')
      .select('customer_id')
      .select(TYPES.map((type) => knex.raw('max(case when type = ? then occurred_at end) as ??', [type, column(type)])))
      .groupBy('customer_id');
    await updateFromSelect(knex, 'ci_customer_metrics', 'customer_id', TYPES.map(column), latest);
    await analyzeTables(knex, ['ci_customer_metrics'], { always: true });
  },
};

export default migration;
