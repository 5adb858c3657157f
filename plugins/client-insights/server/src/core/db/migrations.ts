import type { Knex } from 'knex';
import { copyActivity, EVENTS_TABLE, ORDERS_TABLE } from '../../modules/metrics/activity';
import { analyzeTables, indexExists } from './dialect';
import { renameOrderStatusIndex, renameStatusColumns } from './status-renames';

export type Migration = { id: string; up: (knex: Knex) => Promise<void> };

/** Same column type Strapi uses for its datetime attributes, so comparisons need no casts. */
export const datetime = (t: Knex.CreateTableBuilder, name: string) => t.datetime(name, { useTz: false, precision: 6 });

const migrations: Migration[] = [
  {
    // A customer's tags live here, not in a Strapi relation: each assignment keeps its source,
    // confidence, creation time and expiry, and bulk apply / merge are single SQL statements.
    id: '001-customer-tags',
    async up(knex) {
      await knex.schema.createTable('ci_customer_tags', (t) => {
        t.integer('customer_id').unsigned().notNullable();
        t.integer('tag_id').unsigned().notNullable();
        t.string('source', 10).notNullable().defaultTo('manual');
        t.decimal('confidence', 5, 4).nullable();
        datetime(t, 'created_at').notNullable();
        datetime(t, 'expires_at').nullable();
        t.primary(['customer_id', 'tag_id']);
        t.index(['tag_id', 'customer_id'], 'ci_customer_tags_tag_idx');
      });
    },
  },
  {
    // The metrics.* facts of RULES.md, one row per customer (maintained by metrics/).
    id: '002-customer-metrics',
    async up(knex) {
      await knex.schema.createTable('ci_customer_metrics', (t) => {
        t.integer('customer_id').unsigned().primary();
        t.integer('order_count').notNullable().defaultTo(0);
        t.decimal('total_spent', 14, 2).notNullable().defaultTo(0);
        t.decimal('gross_margin', 14, 2).notNullable().defaultTo(0);
        t.decimal('avg_order_value', 14, 2).nullable();
        datetime(t, 'first_order_at').nullable();
        datetime(t, 'last_order_at').nullable();
        t.integer('renewal_count').notNullable().defaultTo(0);
        t.decimal('overdue_amount', 14, 2).notNullable().defaultTo(0);
        datetime(t, 'contract_end_at').nullable();
        datetime(t, 'last_interaction_at').nullable();
        t.integer('referral_count').notNullable().defaultTo(0);
        t.integer('complaint_count').notNullable().defaultTo(0);
        datetime(t, 'updated_at').nullable();
        for (const column of ['total_spent', 'order_count', 'last_order_at', 'last_interaction_at', 'contract_end_at', 'overdue_amount']) {
          t.index([column], `ci_customer_metrics_${column}_idx`);
        }
      });
    },
  },
  {
    // The latest score.* values of RULES.md, one row per scored customer (written by values/).
    id: '003-customer-scores',
    async up(knex) {
      await knex.schema.createTable('ci_customer_scores', (t) => {
        t.integer('customer_id').unsigned().primary();
        t.integer('r').nullable();
        t.integer('f').nullable();
        t.integer('m').nullable();
        t.decimal('rfm', 8, 4).nullable();
        t.string('rfm_segment', 20).nullable();
        t.string('quadrant', 20).nullable();
        t.decimal('clv', 14, 2).nullable();
        t.decimal('churn_risk', 6, 5).nullable();
        t.decimal('renewal_probability', 6, 5).nullable();
        t.decimal('upsell_probability', 6, 5).nullable();
        t.string('model_version', 64).nullable();
        datetime(t, 'calculated_at').nullable();
        for (const column of ['rfm_segment', 'quadrant', 'clv', 'churn_risk']) {
          t.index([column], `ci_customer_scores_${column}_idx`);
        }
      });
    },
  },
  {
    // Segment membership by run; the current membership is the run named in ci_segment_current,
    // so a new run fills its rows first and then swaps the pointer (readers never see half a run).
    id: '004-segment-membership',
    async up(knex) {
      await knex.schema.createTable('ci_segment_members', (t) => {
        t.integer('segment_id').unsigned().notNullable();
        t.integer('run_id').unsigned().notNullable();
        t.integer('customer_id').unsigned().notNullable();
        t.primary(['segment_id', 'run_id', 'customer_id']);
        t.index(['customer_id', 'segment_id'], 'ci_segment_members_customer_idx');
      });
      await knex.schema.createTable('ci_segment_current', (t) => {
        t.integer('segment_id').unsigned().primary();
        t.integer('run_id').unsigned().notNullable();
        datetime(t, 'updated_at').notNullable();
      });
    },
  },
  {
    // Indexes on every Strapi column a rule filters or joins on (Strapi leaves extra indexes alone).
    id: '005-rule-indexes',
    async up(knex) {
      const indexes: Array<[string, string[]]> = [
        ['customers', ['stage']],
        ['customers', ['region']],
        ['customers', ['language']],
        ['customers', ['education']],
        ['customers', ['lead_source']],
        ['customers', ['target_major']],
        ['customers', ['program']],
        ['customers', ['created_at']],
        ['orders', ['payment_status', 'ordered_at']],
        ['orders', ['kind']],
        ['interactions', ['type', 'occurred_at']],
        ['interactions', ['occurred_at']],
        ['orders_customer_lnk', ['customer_id', 'order_id']],
        ['interactions_customer_lnk', ['customer_id', 'interaction_id']],
        ['tags', ['slug']],
        ['segments', ['key']],
      ];
      for (const [table, columns] of indexes) {
        await knex.schema.alterTable(table, (t) => t.index(columns, `ci_${table}_${columns.join('_')}_idx`));
      }
    },
  },
  {
    // Segment execution (segments/): one row per run shaped like SegmentResult, the per-run diff,
    // enter/exit events for automation and each customer's primary segment. A run's member
    // snapshot lives in ci_segment_members under its run id.
    id: '301-segment-runs',
    async up(knex) {
      await knex.schema.createTable('ci_segment_runs', (t) => {
        t.increments('id').primary();
        t.string('execution_id', 36).notNullable().unique();
        t.integer('segment_id').unsigned().notNullable();
        t.string('trigger', 16).notNullable();
        t.string('status', 10).notNullable();
        t.string('phase', 16).notNullable();
        t.integer('percent').notNullable().defaultTo(0);
        // Cron tick a scheduled run belongs to: unique per segment, so a tick runs once across nodes.
        t.string('schedule_slot', 40).nullable();
        t.integer('previous_run_id').unsigned().nullable();
        t.integer('attempts').notNullable().defaultTo(0);
        datetime(t, 'created_at').notNullable();
        datetime(t, 'executed_at').nullable();
        datetime(t, 'finished_at').nullable();
        t.integer('execution_time_ms').nullable();
        t.integer('customer_count').nullable();
        t.integer('added_count').nullable();
        t.integer('removed_count').nullable();
        t.integer('kept_count').nullable();
        t.integer('skipped_count').nullable();
        t.decimal('avg_order_value', 16, 2).nullable();
        t.decimal('total_revenue', 18, 2).nullable();
        t.bigInteger('order_count').nullable();
        t.decimal('churn_rate', 7, 6).nullable();
        t.text('error').nullable();
        t.unique(['segment_id', 'schedule_slot'], { indexName: 'ci_segment_runs_slot_uq' });
        t.index(['segment_id', 'id'], 'ci_segment_runs_segment_idx');
        t.index(['status'], 'ci_segment_runs_status_idx');
      });
      await knex.schema.createTable('ci_segment_changes', (t) => {
        t.integer('run_id').unsigned().notNullable();
        t.integer('customer_id').unsigned().notNullable();
        t.string('change', 8).notNullable();
        t.primary(['run_id', 'customer_id']);
        t.index(['run_id', 'change', 'customer_id'], 'ci_segment_changes_kind_idx');
      });
      await knex.schema.createTable('ci_segment_events', (t) => {
        t.increments('id').primary();
        t.integer('segment_id').unsigned().notNullable();
        t.integer('customer_id').unsigned().notNullable();
        t.string('kind', 5).notNullable();
        datetime(t, 'occurred_at').notNullable();
        t.integer('run_id').unsigned().nullable();
        t.index(['segment_id', 'occurred_at'], 'ci_segment_events_segment_idx');
        t.index(['customer_id', 'occurred_at'], 'ci_segment_events_customer_idx');
      });
      await knex.schema.createTable('ci_customer_primary_segment', (t) => {
        t.integer('customer_id').unsigned().primary();
        t.integer('segment_id').unsigned().notNullable();
        t.integer('priority').notNullable();
        datetime(t, 'updated_at').notNullable();
        t.index(['segment_id'], 'ci_customer_primary_segment_segment_idx');
      });
    },
  },
  {
    // Durable queue of customers whose metrics rollup must be recomputed (metrics/queue.ts):
    // written in the writer's transaction, drained after commit, at startup and every minute.
    id: '101-metrics-dirty',
    async up(knex) {
      await knex.schema.createTable('ci_metrics_dirty', (t) => {
        t.increments('id').primary();
        t.integer('customer_id').unsigned().notNullable();
      });
    },
  },
  {
    // Value models (values/): one row per calculation run, each run's RFM rows and model outputs
    // (the history that quadrant migration is reported from), and the fitted models with their
    // parameters, log-likelihood / holdout AUC and fit date. ci_customer_scores holds the latest run.
    id: '201-value-models',
    async up(knex) {
      await knex.schema.createTable('ci_value_runs', (t) => {
        t.increments('id').primary();
        t.string('status', 12).notNullable();
        t.string('trigger', 12).notNullable();
        t.integer('job_id').unsigned().nullable();
        t.string('model_version', 64).nullable();
        t.text('config').notNullable();
        t.text('stats').nullable();
        t.text('error').nullable();
        datetime(t, 'started_at').notNullable();
        datetime(t, 'finished_at').nullable();
        t.index(['status', 'id'], 'ci_value_runs_status_idx');
      });
      await knex.schema.createTable('ci_value_score_history', (t) => {
        t.integer('run_id').unsigned().notNullable();
        t.integer('customer_id').unsigned().notNullable();
        t.smallint('has_orders').notNullable();
        t.integer('recency_days').nullable();
        t.integer('frequency').notNullable();
        t.decimal('monetary', 16, 2).notNullable();
        t.decimal('monetary_capped', 16, 2).notNullable();
        t.integer('r').notNullable();
        t.integer('f').notNullable();
        t.integer('m').notNullable();
        t.decimal('rfm', 8, 4).notNullable();
        t.string('rfm_segment', 20).notNullable();
        t.string('quadrant', 20).notNullable();
        t.smallint('risk_tag').notNullable();
        t.decimal('overdue_amount', 16, 2).notNullable();
        t.integer('complaints').notNullable();
        t.integer('margin_missing').notNullable();
        t.primary(['run_id', 'customer_id']);
        t.index(['customer_id', 'run_id'], 'ci_value_score_history_customer_idx');
      });
      await knex.schema.createTable('ci_value_model_scores', (t) => {
        t.integer('run_id').unsigned().notNullable();
        t.integer('customer_id').unsigned().notNullable();
        t.double('p_alive').nullable();
        t.double('expected_transactions').nullable();
        t.double('expected_spend').nullable();
        t.decimal('clv', 14, 2).nullable();
        t.string('clv_method', 12).notNullable();
        t.double('churn_risk').nullable();
        t.double('renewal_probability').nullable();
        t.double('upsell_probability').nullable();
        t.primary(['run_id', 'customer_id']);
      });
      await knex.schema.createTable('ci_value_models', (t) => {
        t.increments('id').primary();
        t.integer('run_id').unsigned().notNullable();
        t.string('kind', 20).notNullable();
        t.string('version', 64).notNullable();
        t.string('method', 20).notNullable();
        t.text('params').notNullable();
        t.double('log_likelihood').nullable();
        t.text('metrics').nullable();
        datetime(t, 'fitted_at').notNullable();
        t.index(['kind', 'id'], 'ci_value_models_kind_idx');
        t.index(['run_id'], 'ci_value_models_run_idx');
      });
    },
  },
  {
    // Tracked background jobs (jobs/tracker.ts), reusable by any module: status, progress and a
    // heartbeat, so a job whose process died is seen as stale and can be run again.
    id: '202-jobs',
    async up(knex) {
      await knex.schema.createTable('ci_jobs', (t) => {
        t.increments('id').primary();
        t.string('kind', 64).notNullable();
        t.string('status', 12).notNullable();
        t.double('progress').notNullable().defaultTo(0);
        t.string('step', 64).nullable();
        t.text('params').nullable();
        t.text('result').nullable();
        t.text('error').nullable();
        datetime(t, 'created_at').notNullable();
        datetime(t, 'started_at').nullable();
        datetime(t, 'finished_at').nullable();
        datetime(t, 'heartbeat_at').nullable();
        t.index(['kind', 'status', 'id'], 'ci_jobs_kind_idx');
      });
    },
  },
  {
    // Primary segments are recomputed after a run's swap commits (one writer at a time across
    // segments); this marks runs whose recomputation is still owed, so a crash cannot skip it.
    id: '302-segment-runs-primary-pending',
    async up(knex) {
      await knex.schema.alterTable('ci_segment_runs', (t) => {
        t.boolean('primary_pending').notNullable().defaultTo(false);
      });
    },
  },
  {
    // Which process executed a segment run (host:pid), for operators of several app nodes.
    id: '303-segment-runs-node',
    async up(knex) {
      await knex.schema.alterTable('ci_segment_runs', (t) => {
        t.string('node', 100).nullable();
      });
    },
  },
  {
    // Covering indexes for the rule compiler's custom operators (rules/compile.ts): per-customer
    // probes go link table → row by id and need the filtered columns without visiting the table
    // (id first); window scans by (status|type, date) need the id (and amount) for the same reason.
    id: '110-rule-covering-indexes',
    async up(knex) {
      const indexes: Array<[string, string[]]> = [
        ['interactions', ['id', 'type', 'occurred_at']],
        ['interactions', ['type', 'occurred_at', 'id']],
        ['orders', ['id', 'payment_status', 'ordered_at', 'amount']],
        ['orders', ['payment_status', 'ordered_at', 'id', 'amount']],
        ['ci_customer_tags', ['customer_id', 'tag_id', 'expires_at']],
        ['ci_customer_tags', ['tag_id', 'expires_at', 'customer_id']],
      ];
      for (const [table, columns] of indexes) {
        await knex.schema.alterTable(table, (t) => t.index(columns, `ci_${table}_${columns.join('_')}_idx`.slice(0, 63)));
      }
    },
  },
  {
    // Each customer's events and orders with the customer on the row (metrics/activity.ts): the
    // rule operators' windows become index range scans instead of joins through the link tables.
    // The covering indexes of 110 served those joins only; they go, sparing every write their upkeep.
    id: '120-customer-activity',
    async up(knex) {
      await knex.schema.createTable(EVENTS_TABLE, (t) => {
        t.integer('customer_id').unsigned().notNullable();
        t.string('type', 255).nullable();
        datetime(t, 'occurred_at').nullable();
        t.index(['type', 'occurred_at', 'customer_id'], 'ci_customer_events_window_idx');
        t.index(['customer_id'], 'ci_customer_events_customer_idx');
      });
      await knex.schema.createTable(ORDERS_TABLE, (t) => {
        t.integer('customer_id').unsigned().notNullable();
        t.integer('order_id').unsigned().notNullable();
        t.string('status', 255).nullable();
        t.string('kind', 255).nullable();
        datetime(t, 'ordered_at').nullable();
        t.decimal('amount', 14, 2).nullable();
        t.decimal('gross_margin', 14, 2).nullable();
        datetime(t, 'contract_end_at').nullable();
        t.index(['status', 'ordered_at', 'customer_id', 'amount'], 'ci_customer_orders_window_idx');
        t.index(['customer_id'], 'ci_customer_orders_customer_idx');
      });
      await copyActivity(knex);
      await analyzeTables(knex, [EVENTS_TABLE, ORDERS_TABLE], { always: true });
      const covering: Array<[string, string]> = [
        ['interactions', 'ci_interactions_id_type_occurred_at_idx'],
        ['interactions', 'ci_interactions_type_occurred_at_id_idx'],
        ['orders', 'ci_orders_id_payment_status_ordered_at_amount_idx'],
        ['orders', 'ci_orders_payment_status_ordered_at_id_amount_idx'],
      ];
      for (const [table, name] of covering) {
        if (await indexExists(knex, table, name)) await knex.schema.alterTable(table, (t) => t.dropIndex([], name));
      }
    },
  },
  {
    // Customers whose segment membership is still to be re-evaluated (segments/change-trigger.ts),
    // written with their refreshed facts so a crash in between loses nothing.
    id: '130-segment-pending',
    async up(knex) {
      await knex.schema.createTable('ci_segment_pending', (t) => {
        t.increments('id').primary();
        t.integer('customer_id').unsigned().notNullable();
      });
    },
  },
  {
    // The rule compiler's probe strategy (rules/compile.ts) asks, per candidate customer, for its
    // events of one type or its paid orders in a window: with the filtered columns after the
    // customer id those probes read only the index entries they count. The customer-only indexes
    // they replace served the per-customer deletes of metrics/activity.ts, which these serve too.
    id: '140-activity-probe-indexes',
    async up(knex) {
      const swaps: Array<[string, string, string, string[]]> = [
        [EVENTS_TABLE, 'ci_customer_events_customer_idx', 'ci_customer_events_probe_idx', ['customer_id', 'type', 'occurred_at']],
        [ORDERS_TABLE, 'ci_customer_orders_customer_idx', 'ci_customer_orders_probe_idx', ['customer_id', 'status', 'ordered_at', 'amount']],
      ];
      for (const [table, old, name, columns] of swaps) {
        await knex.schema.alterTable(table, (t) => t.index(columns, name));
        if (await indexExists(knex, table, old)) await knex.schema.alterTable(table, (t) => t.dropIndex([], old));
      }
    },
  },
  {
    // The value-score history is read by run only (its key, run_id + customer_id: the R×F matrix,
    // quadrant migration, customer filters); the (customer_id, run_id) index served no query and
    // took about a third of the time to write a run (1M rows per run at 1M customers).
    id: '203-value-history-by-run',
    async up(knex) {
      const name = 'ci_value_score_history_customer_idx';
      if (await indexExists(knex, 'ci_value_score_history', name)) await knex.schema.alterTable('ci_value_score_history', (t) => t.dropIndex([], name));
    },
  },
  {
    // One job model (core/jobs/status.ts) for segment runs and tracked jobs: the status word
    // 'success' (was 'succeeded' in ci_jobs and ci_value_runs), a `phase` (ci_jobs' `step`),
    // progress as a fraction 0..1 (segment runs stored a percentage), and a cancel request.
    id: '204-one-job-model',
    async up(knex) {
      await knex('ci_jobs').where('status', 'succeeded').update({ status: 'success' });
      await knex('ci_value_runs').where('status', 'succeeded').update({ status: 'success' });
      await knex.schema.alterTable('ci_jobs', (t) => t.renameColumn('step', 'phase'));
      await knex('ci_jobs').where('status', 'success').update({ phase: 'done' });
      await knex('ci_jobs').where('status', 'queued').whereNull('phase').update({ phase: 'queued' });
      await knex.schema.alterTable('ci_jobs', (t) => {
        datetime(t, 'cancel_requested_at').nullable();
      });
      await knex.schema.alterTable('ci_segment_runs', (t) => {
        t.double('progress').notNullable().defaultTo(0);
        datetime(t, 'cancel_requested_at').nullable();
      });
      await knex('ci_segment_runs').update({ progress: knex.raw('percent / 100.0') });
      await knex.schema.alterTable('ci_segment_runs', (t) => t.dropColumn('percent'));
    },
  },
  {
    // Task, Segment, Order and AutomationRule `status` renamed (Strapi reserves the name; see
    // status-renames.ts). The columns normally moved before Strapi's schema sync; this catches a
    // database whose old column the sync kept, and renames 005's order index after its column.
    id: '006-status-attributes-renamed',
    async up(knex) {
      await renameStatusColumns(knex);
      await renameOrderStatusIndex(knex);
    },
  },
];

export default migrations;
