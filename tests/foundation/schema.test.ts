import { indexExists } from '../../plugins/client-insights/server/src/core/db/dialect';
import { startStrapi, type TestApp } from '../helpers/strapi';

describe('data model', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startStrapi({ emptyDatabase: true });
  });
  afterAll(async () => app?.stop());

  it('has every content type with the fields the rule language reads', () => {
    const attributes = (uid: string) => Object.keys(app.strapi.contentType(uid as any).attributes);
    expect(attributes('api::customer.customer')).toEqual(
      expect.arrayContaining([
        'name',
        'email',
        'phone',
        'region',
        'language',
        'timezone',
        'education',
        'target_major',
        'program',
        'stage',
        'lead_source',
        'owner',
        'referrer',
        'referrals',
        'family_members',
        'notes',
      ])
    );
    expect(attributes('api::order.order')).toEqual(
      expect.arrayContaining(['customer', 'amount', 'gross_margin', 'currency', 'kind', 'payment_status', 'ordered_at', 'contract_end_at'])
    );
    expect(attributes('api::interaction.interaction')).toEqual(
      expect.arrayContaining(['customer', 'type', 'occurred_at', 'channel', 'campaign', 'properties'])
    );
    expect(attributes('api::tag.tag')).toEqual(expect.arrayContaining(['name', 'slug', 'category', 'description', 'color', 'rule', 'visibility', 'owner']));
    expect(attributes('api::segment.segment')).toEqual(
      expect.arrayContaining([
        'name',
        'key',
        'description',
        'type',
        'rule',
        'segment_status',
        'priority',
        'parent',
        'schedule_cron',
        'schedule_timezone',
        'visibility',
        'owner',
        'last_calculated_at',
        'member_count',
      ])
    );
    expect(attributes('api::automation-rule.automation-rule')).toEqual(
      expect.arrayContaining(['name', 'trigger', 'conditions', 'actions', 'guard', 'rule_status', 'last_run_at'])
    );
    expect(attributes('api::task.task')).toEqual(expect.arrayContaining(['title', 'customer', 'assignee', 'due_at', 'kind', 'task_status']));
    expect(attributes('api::campaign.campaign')).toEqual(expect.arrayContaining(['name', 'channel', 'started_at', 'ended_at', 'budget']));
    const interactionTypes = (app.strapi.contentType('api::interaction.interaction').attributes.type as any).enum;
    expect(interactionTypes).toEqual(
      expect.arrayContaining([
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
      ])
    );
  });

  it('stores relations in link tables and customer tags with their provenance', async () => {
    const knex = app.strapi.db.connection;
    for (const table of [
      'orders_customer_lnk',
      'interactions_customer_lnk',
      'customers_referrer_lnk',
      'customers_family_members_lnk',
      'customers_owner_lnk',
      'segments_parent_lnk',
      'tasks_customer_lnk',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    for (const column of ['customer_id', 'tag_id', 'source', 'confidence', 'created_at', 'expires_at']) {
      expect(await knex.schema.hasColumn('ci_customer_tags', column)).toBe(true);
    }
    const customers = app.strapi.documents('api::customer.customer');
    const referrer = await customers.create({ data: { name: 'Referrer', stage: 'in_service' } });
    const cousin = await customers.create({ data: { name: 'Cousin', stage: 'consultation' } });
    const client = await customers.create({ data: { name: 'Client', stage: 'signed', referrer: referrer.documentId, family_members: [cousin.documentId] } });
    const loaded = await customers.findOne({ documentId: referrer.documentId, populate: ['referrals'] });
    expect(loaded?.referrals.map((c: any) => c.documentId)).toEqual([client.documentId]);
    const withFamily = await customers.findOne({ documentId: client.documentId, populate: ['family_members', 'referrer'] });
    expect(withFamily?.family_members.map((c: any) => c.name)).toEqual(['Cousin']);
    expect(withFamily?.referrer.name).toBe('Referrer');
  });

  it('indexes every column rules filter or join on', async () => {
    const knex = app.strapi.db.connection;
    const expected: Array<[string, string]> = [
      ['customers', 'ci_customers_stage_idx'],
      ['customers', 'ci_customers_region_idx'],
      ['customers', 'ci_customers_lead_source_idx'],
      ['customers', 'ci_customers_education_idx'],
      ['customers', 'ci_customers_language_idx'],
      ['customers', 'ci_customers_created_at_idx'],
      ['customers', 'ci_customers_target_major_idx'],
      ['customers', 'ci_customers_program_idx'],
      ['orders', 'ci_orders_payment_status_ordered_at_idx'],
      ['orders', 'ci_orders_kind_idx'],
      ['interactions', 'ci_interactions_type_occurred_at_idx'],
      ['interactions', 'ci_interactions_occurred_at_idx'],
      ['orders_customer_lnk', 'ci_orders_customer_lnk_customer_id_order_id_idx'],
      ['interactions_customer_lnk', 'ci_interactions_customer_lnk_customer_id_interaction_id_idx'],
      ['tags', 'ci_tags_slug_idx'],
      ['segments', 'ci_segments_key_idx'],
      ['ci_customer_tags', 'ci_customer_tags_tag_idx'],
      ['ci_customer_metrics', 'ci_customer_metrics_total_spent_idx'],
      ['ci_customer_metrics', 'ci_customer_metrics_last_order_at_idx'],
      ['ci_segment_members', 'ci_segment_members_customer_run_idx'],
      // Strapi's own indexes on the link tables' foreign keys.
      ['customers_referrer_lnk', 'customers_referrer_lnk_ifk'],
      ['customers_owner_lnk', 'customers_owner_lnk_ifk'],
    ];
    const missing: string[] = [];
    for (const [table, name] of expected) if (!(await indexExists(knex, table, name))) missing.push(`${table}.${name}`);
    expect(missing).toEqual([]);
  });
});
