import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';
import { bindDate, readDate } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import type { Knex } from 'knex';
import { whereRetention } from '../overview/retention';
import { csvStream, type CsvExport } from '../segments/csv';
import { csvFormatter, type CsvFormat } from '../segments/csv-locale';
import { clvBasisOfVersion, latestRunId, migrationRuns } from '../values/reports';
import { consentOf, mayContact, mayContactMany, recordConsent } from './consent';
import { maskContact, SEARCHABLE_COLUMNS } from './mask';
import { decryptRow, HASHED_FIELDS } from '../../core/security/field-crypto';
import { whereHashEquals } from '../../core/security/stored-contacts';
import { FOLLOW_UP_MAX, type CustomerFilter, type CustomerSort } from '../../../../shared/contracts/customers';
import { MAX_ID } from '../../../../shared/contracts/http';
import { ApiError } from '../../core/http/errors';
import { seesContact, type Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import type { ConsentChannel } from '../../../../shared/enums';
import { SENSITIVE_CUSTOMER_FIELDS } from '../../../../shared/sensitive';

const iso = (v: unknown) => readDate(v)?.toISOString() ?? null;
/** The later of two dates, as ISO text (null when neither is known). */
const latest = (a: Date | null | undefined, b: Date | null | undefined) => {
  const later = !a ? b : !b ? a : a > b ? a : b;
  return later ? later.toISOString() : null;
};
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const TIMELINE = 40;
const EXPORT_BATCH = 1000;

/** Columns of the customer-list CSV export (the list's row, contact fields masked as in the list). */
export const CUSTOMER_COLUMNS = [
  'id',
  'documentId',
  'name',
  'email',
  'phone',
  'region',
  'stage',
  'createdAt',
  'totalSpent',
  'orderCount',
  'quadrant',
  'r',
  'f',
  'm',
] as const;

/** Customer list (search, value-chart drill-downs, pages), its CSV export and bulk follow-up tasks, and the profile card. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tables = () => hostTables(strapi);
  const ownerLink = () => tables().customerOwner;

  /** The tag a filter names (slug, or digits as an id); 400 at `/tag` when there is none the viewer may see. */
  const tagIdOf = async (viewer: Viewer, ref: string) => {
    const row = await knex()(tables().tags)
      .where((w) => {
        w.where('slug', ref);
        if (/^\d+$/.test(ref) && Number(ref) <= MAX_ID) w.orWhere('id', Number(ref));
      })
      .first('id');
    if (!row || !(await getService(strapi, 'tags').visibleTagIds(viewer)).has(Number(row.id)))
      throw ApiError.invalid([{ path: '/tag', message: `tag "${ref}" does not exist` }]);
    return Number(row.id);
  };

  /** A segment the viewer may see (one they may not see does not exist for them); 400 at `/segment` otherwise. */
  const segmentIdOf = async (viewer: Viewer, ref: string) => {
    try {
      return (await getService(strapi, 'segments').get(viewer, ref)).id;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw ApiError.invalid([{ path: '/segment', message: `segment "${ref}" does not exist` }]);
      throw error;
    }
  };

  /**
   * Customers matching the filter, as a query on `c` (the customer table); see CustomerFilter.
   * Wrapped in an object: a knex builder is thenable, so returning it bare from an async
   * function would run it.
   */
  const matching = async (filter: CustomerFilter, viewer: Viewer, now = new Date()) => {
    const k = knex();
    const sensitive = seesContact(viewer);
    const base = k(`${tables().customers} as c`);
    if (filter.q) {
      const like = `%${filter.q}%`;
      // Digits also search by id, when they can be one.
      const asId = /^\d+$/.test(filter.q) && Number(filter.q) <= MAX_ID ? Number(filter.q) : null;
      base.where((w) => {
        for (const column of SEARCHABLE_COLUMNS) w.orWhere(`c.${column}`, 'like', like);
        if (sensitive) for (const field of HASHED_FIELDS) whereHashEquals(w, field, filter.q!);
        if (asId !== null) w.orWhere('c.id', asId);
      });
    }
    if (filter.stage) base.where('c.stage', filter.stage);
    if (filter.region) base.where('c.region', filter.region);
    if (filter.owner !== undefined) {
      const link = ownerLink();
      base.whereExists(k(`${link.table} as ow`).select(k.raw('1')).whereRaw(`ow.${link.customer} = c.id`).where(`ow.${link.user}`, filter.owner));
    }
    if (filter.tag) {
      const tagId = await tagIdOf(viewer, filter.tag);
      base.whereExists(
        k(`${TABLES.customerTags} as ft`)
          .select(k.raw('1'))
          .whereRaw('ft.customer_id = c.id')
          .where('ft.tag_id', tagId)
          .andWhere((w) => w.whereNull('ft.expires_at').orWhere('ft.expires_at', '>', bindDate(k, now)))
      );
    }
    if (filter.segment) {
      const segmentId = await segmentIdOf(viewer, filter.segment);
      base.whereExists(
        k(`${TABLES.segmentMembers} as sm`)
          .join(`${TABLES.segmentCurrent} as sc`, function () {
            this.on('sc.segment_id', '=', 'sm.segment_id').andOn('sc.run_id', '=', 'sm.run_id');
          })
          .select(k.raw('1'))
          .whereRaw('sm.customer_id = c.id')
          .where('sm.segment_id', segmentId)
      );
    }
    if (filter.retained !== undefined) whereRetention(k, tables(), base, new Date(), filter.retained);
    // Filter key → ci_customer_scores column.
    const scoreColumns = { quadrant: 'quadrant', rfmSegment: 'rfm_segment', r: 'r', f: 'f', m: 'm' } as const;
    const byScore = (Object.keys(scoreColumns) as (keyof typeof scoreColumns)[]).filter((key) => filter[key] !== undefined);
    if (byScore.length) {
      base.whereExists(
        k(`${TABLES.scores} as fs`)
          .select(k.raw('1'))
          .whereRaw('fs.customer_id = c.id')
          .where(Object.fromEntries(byScore.map((key) => [`fs.${scoreColumns[key]}`, filter[key]])))
      );
    }
    // The score history of one run for this customer (`extra`: further conditions).
    const inRun = (alias: string, run: number, extra: Record<string, unknown> = {}) =>
      k(`${TABLES.valueHistory} as ${alias}`)
        .select(k.raw('1'))
        .where(`${alias}.run_id`, run)
        .whereRaw(`${alias}.customer_id = c.id`)
        .where(Object.fromEntries(Object.entries(extra).map(([col, v]) => [`${alias}.${col}`, v])));
    if (filter.hasOrders !== undefined) {
      // As the heatmap: whether the latest run saw a paid order.
      const run = await latestRunId(k);
      if (run === null) base.whereRaw('1 = 0');
      else base.whereExists(inRun('ho', run, { has_orders: filter.hasOrders ? 1 : 0 }));
    }
    if (filter.movedFrom && filter.movedTo) {
      const { from, to } = await migrationRuns(k, filter.fromRun, filter.toRun);
      if (from === undefined || to === undefined) base.whereRaw('1 = 0');
      else
        for (const [alias, run, quadrant] of [
          ['mf', from, filter.movedFrom],
          ['mt', to, filter.movedTo],
        ] as const) {
          if (quadrant === 'none') base.whereNotExists(inRun(alias, run));
          else base.whereExists(inRun(alias, run, { quadrant }));
        }
    }
    return { base };
  };

  /** One customer row of the list and the export, contact fields masked without the permission. */
  const withColumns = (q: Knex.QueryBuilder) =>
    q
      .leftJoin(`${TABLES.metrics} as mt`, 'mt.customer_id', 'c.id')
      .leftJoin(`${TABLES.scores} as s`, 's.customer_id', 'c.id')
      .select(
        'c.id',
        'c.document_id',
        'c.name',
        'c.email',
        'c.phone',
        'c.region',
        'c.stage',
        'c.created_at',
        'mt.total_spent',
        'mt.order_count',
        'mt.last_order_at',
        'mt.last_interaction_at',
        's.quadrant',
        's.r',
        's.f',
        's.m'
      );
  const toRow = (r: any, sensitive: boolean) => {
    decryptRow(r);
    return maskContact(
      {
        id: Number(r.id),
        documentId: r.document_id as string,
        name: r.name,
        email: r.email,
        phone: r.phone,
        region: r.region,
        stage: r.stage,
        createdAt: iso(r.created_at),
        totalSpent: Number(r.total_spent ?? 0),
        orderCount: Number(r.order_count ?? 0),
        lastActivityAt: latest(readDate(r.last_order_at), readDate(r.last_interaction_at)),
        quadrant: r.quadrant ?? null,
        r: num(r.r),
        f: num(r.f),
        m: num(r.m),
      },
      sensitive
    );
  };

  /**
   * The list's order (CUSTOMER_SORTS); customers without a value (no metrics, no activity) come
   * last either way, the same on every database. Last activity: the later of the last paid order
   * and the last interaction.
   */
  const orderBy = (q: Knex.QueryBuilder, sort: CustomerSort) => {
    const expression = {
      name: 'c.name',
      totalSpent: 'coalesce(mt.total_spent, 0)',
      customerSince: 'c.created_at',
      lastActivity:
        'case when mt.last_order_at is null then mt.last_interaction_at when mt.last_interaction_at is null then mt.last_order_at ' +
        'when mt.last_order_at > mt.last_interaction_at then mt.last_order_at else mt.last_interaction_at end',
    }[sort.field];
    q.orderByRaw(`case when ${expression} is null then 1 else 0 end`).orderByRaw(`${expression} ${sort.direction}`);
  };

  const service = {
    /** The ids of the customers a filter covers, as a subquery (`customer_id`), for bulk writes of other modules. */
    async matchingIds(filter: CustomerFilter, viewer: Viewer) {
      const { base } = await matching(filter, viewer);
      return { query: base.select('c.id as customer_id') };
    },

    async list(query: CustomerFilter & { page: number; pageSize: number; sort?: CustomerSort }, viewer: Viewer) {
      const sensitive = seesContact(viewer);
      const { base } = await matching(query, viewer);
      const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
      const page = withColumns(base);
      if (query.sort) orderBy(page, query.sort);
      const rows = await page
        .orderBy('c.id', 'desc')
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize);
      return {
        data: rows.map((r: any) => toRow(r, sensitive)),
        meta: { pagination: { page: query.page, pageSize: query.pageSize, pageCount: Math.ceil(total / query.pageSize), total } },
      };
    },

    /**
     * A page of the customers whose ids a subquery gives (`customer_id`; a report's drill-down), as
     * list rows: masked for the viewer like the list, newest first.
     */
    async listIn(ids: Knex.QueryBuilder | Knex.Raw, page: { page: number; pageSize: number }, viewer: Viewer) {
      const base = knex()(`${tables().customers} as c`).whereRaw('c.id in (?)', [ids]);
      const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
      const rows = await withColumns(base)
        .orderBy('c.id', 'desc')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize);
      return {
        data: rows.map((r: any) => toRow(r, seesContact(viewer))),
        meta: { pagination: { page: page.page, pageSize: page.pageSize, pageCount: Math.ceil(total / page.pageSize), total } },
      };
    },

    /** Every customer of the list as CSV, newest first like the list, streamed by id keyset; `total` is their number. */
    async exportCsv(filter: CustomerFilter, viewer: Viewer, format?: CsvFormat): Promise<CsvExport> {
      const sensitive = seesContact(viewer);
      const { base } = await matching(filter, viewer);
      const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
      async function* batches() {
        let before: number | null = null;
        for (;;) {
          const page = withColumns(base.clone());
          if (before !== null) page.where('c.id', '<', before);
          const rows = await page.orderBy('c.id', 'desc').limit(EXPORT_BATCH);
          if (rows.length === 0) return;
          yield rows.map((r: any) => toRow(r, sensitive));
          before = Number(rows[rows.length - 1].id);
        }
      }
      return {
        total,
        columns: CUSTOMER_COLUMNS,
        sensitive: sensitive ? CUSTOMER_COLUMNS.filter((c) => (SENSITIVE_CUSTOMER_FIELDS as readonly string[]).includes(c)) : [],
        stream: await csvStream(CUSTOMER_COLUMNS, batches(), format && csvFormatter(format)),
      };
    },

    /** One open follow-up task per customer of the list (at most FOLLOW_UP_MAX), in one transaction. */
    async createFollowUps(filter: CustomerFilter, viewer: Viewer, task: { title: string; dueAt?: string | null }) {
      const { base } = await matching(filter, viewer);
      const total = Number((await base.clone().count({ n: '*' }).first())?.n ?? 0);
      if (total > FOLLOW_UP_MAX) {
        throw ApiError.invalid([
          { path: '/filter', message: `the list has ${total} customers; follow-up tasks are created for at most ${FOLLOW_UP_MAX} at a time: narrow the list` },
        ]);
      }
      const documentIds: string[] = await base.clone().orderBy('c.id', 'desc').pluck('c.document_id');
      await strapi.db.transaction(async () => {
        for (const documentId of documentIds) {
          await strapi.documents(UID.task as any).create({
            // The long form: Strapi reads a bare string that starts with a digit as a numeric id.
            data: { title: task.title, kind: 'follow_up', task_status: 'open', due_at: task.dueAt ?? null, customer: { connect: [{ documentId }] } } as any,
          });
        }
      });
      return { created: documentIds.length };
    },

    /**
     * Records customer `id`'s consent on `channel` (404 for an unknown customer); answers every
     * channel's consent before and after (the controller audits both).
     */
    async setConsent(id: number, channel: ConsentChannel, decision: { granted: boolean; source: string; by: number | null }) {
      if (!(await knex()(tables().customers).where({ id }).first('id'))) throw ApiError.notFound(`customer ${id} not found`);
      return recordConsent(knex(), id, channel, decision);
    },

    /** Whether customer `id` may be contacted on `channel` (a recorded grant): what automation asks before it sends. */
    mayContact: (id: number, channel: ConsentChannel) => mayContact(knex(), id, channel),
    /** The same for many customers at once: the ids that may be contacted. */
    mayContactMany: (ids: readonly number[], channel: ConsentChannel) => mayContactMany(knex(), ids, channel),

    async profile(id: number, sensitive: boolean, now = new Date()) {
      const k = knex();
      const t = tables();
      const c = decryptRow(await k(t.customers).where({ id }).first());
      if (!c) throw ApiError.notFound(`customer ${id} not found`);
      const person = (r: any) => maskContact({ id: Number(r.id), name: r.name as string | null, stage: r.stage as string | null }, sensitive);
      const [referrer, referrals, family, familyOf, tags, interactions, orders, metrics, scores, owner] = await Promise.all([
        k(`${t.referrer.table} as l`)
          .join(`${t.customers} as p`, 'p.id', `l.${t.referrer.referrer}`)
          .where(`l.${t.referrer.customer}`, id)
          .first('p.id', 'p.name', 'p.stage'),
        k(`${t.referrer.table} as l`)
          .join(`${t.customers} as p`, 'p.id', `l.${t.referrer.customer}`)
          .where(`l.${t.referrer.referrer}`, id)
          .select('p.id', 'p.name', 'p.stage')
          .orderBy('p.id')
          .limit(50),
        k(`${t.family.table} as l`)
          .join(`${t.customers} as p`, 'p.id', `l.${t.family.member}`)
          .where(`l.${t.family.customer}`, id)
          .select('p.id', 'p.name', 'p.stage')
          .limit(50),
        // Family links are stored one way; show them from both ends.
        k(`${t.family.table} as l`)
          .join(`${t.customers} as p`, 'p.id', `l.${t.family.customer}`)
          .where(`l.${t.family.member}`, id)
          .select('p.id', 'p.name', 'p.stage')
          .limit(50),
        k(`${TABLES.customerTags} as ct`)
          .join(`${t.tags} as tg`, 'tg.id', 'ct.tag_id')
          .where('ct.customer_id', id)
          .andWhere((w) => w.whereNull('ct.expires_at').orWhere('ct.expires_at', '>', bindDate(k, now)))
          .select('tg.id', 'tg.name', 'tg.slug', 'tg.category', 'tg.color', 'ct.source', 'ct.expires_at', 'ct.created_at')
          .orderBy('tg.name'),
        k(`${t.interactions} as i`)
          .join(`${t.interactionCustomer.table} as l`, `l.${t.interactionCustomer.interaction}`, 'i.id')
          .where(`l.${t.interactionCustomer.customer}`, id)
          .select('i.id', 'i.type', 'i.channel', 'i.occurred_at')
          .orderBy('i.occurred_at', 'desc')
          .limit(TIMELINE),
        k(`${t.orders} as o`)
          .join(`${t.orderCustomer.table} as l`, `l.${t.orderCustomer.order}`, 'o.id')
          .where(`l.${t.orderCustomer.customer}`, id)
          .select('o.id', 'o.amount', 'o.currency', 'o.kind', { status: 'o.payment_status' }, 'o.ordered_at')
          .orderBy('o.ordered_at', 'desc')
          .limit(TIMELINE),
        k(TABLES.metrics).where({ customer_id: id }).first(),
        k(TABLES.scores).where({ customer_id: id }).first(),
        k(`${ownerLink().table}`).where(ownerLink().customer, id).first(ownerLink().user),
      ]);
      const timeline = [
        ...interactions.map((i: any) => ({ kind: 'interaction' as const, id: Number(i.id), type: i.type, channel: i.channel ?? null, at: iso(i.occurred_at) })),
        ...orders.map((o: any) => ({
          kind: 'order' as const,
          id: Number(o.id),
          type: o.kind,
          status: o.status,
          amount: Number(o.amount),
          currency: o.currency ?? 'CNY',
          at: iso(o.ordered_at),
        })),
      ]
        .sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')))
        .slice(0, TIMELINE);
      const familyAll = new Map([...family, ...familyOf].map((r: any) => [Number(r.id), person(r)]));
      return {
        customer: maskContact(
          {
            id: Number(c.id),
            documentId: c.document_id as string,
            name: c.name,
            email: c.email,
            phone: c.phone,
            region: c.region,
            language: c.language,
            education: c.education,
            targetMajor: c.target_major,
            program: c.program,
            stage: c.stage,
            leadSource: c.lead_source,
            notes: c.notes,
            createdAt: iso(c.created_at),
            ownerId: owner ? Number(owner[ownerLink().user]) : null,
          },
          sensitive
        ),
        masked: !sensitive,
        consent: await consentOf(k, id),
        referrer: referrer ? person(referrer) : null,
        referrals: referrals.map(person),
        family: [...familyAll.values()],
        tags: tags.map((r: any) => ({
          id: Number(r.id),
          name: r.name,
          slug: r.slug,
          category: r.category,
          color: r.color ?? null,
          source: r.source,
          expiresAt: iso(r.expires_at),
          createdAt: iso(r.created_at),
        })),
        timeline,
        metrics: metrics
          ? {
              orderCount: Number(metrics.order_count),
              totalSpent: Number(metrics.total_spent),
              avgOrderValue: num(metrics.avg_order_value),
              lastOrderAt: iso(metrics.last_order_at),
              lastInteractionAt: iso(metrics.last_interaction_at),
              contractEndAt: iso(metrics.contract_end_at),
              overdueAmount: Number(metrics.overdue_amount),
              referralCount: Number(metrics.referral_count),
              complaintCount: Number(metrics.complaint_count),
            }
          : null,
        scores: scores
          ? {
              r: num(scores.r),
              f: num(scores.f),
              m: num(scores.m),
              rfm: num(scores.rfm),
              rfmSegment: scores.rfm_segment ?? null,
              quadrant: scores.quadrant ?? null,
              clv: num(scores.clv),
              clvBasis: await clvBasisOfVersion(k, scores.model_version ?? null),
              churnRisk: num(scores.churn_risk),
              renewalProbability: num(scores.renewal_probability),
              upsellProbability: num(scores.upsell_probability),
              calculatedAt: iso(scores.calculated_at),
            }
          : null,
      };
    },

    /** The profile as `viewer` may see it: contact masked without the permission, tags they may not see (another user's private ones) left out. */
    async visibleProfile(viewer: Viewer, id: number) {
      const profile = await service.profile(id, seesContact(viewer));
      const visible = await getService(strapi, 'tags').visibleTagIds(viewer);
      return { ...profile, tags: profile.tags.filter((t) => visible.has(t.id)) };
    },

    /** The segments holding the customer now (their current run), among those the viewer may see. */
    async segmentsOf(viewer: Viewer, id: number) {
      const held = new Set(
        (
          await knex()(`${TABLES.segmentMembers} as m`)
            .join(`${TABLES.segmentCurrent} as cur`, (j) => j.on('cur.segment_id', 'm.segment_id').andOn('cur.run_id', 'm.run_id'))
            .where('m.customer_id', id)
            .pluck('m.segment_id')
        ).map(Number)
      );
      const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
      return visible.filter((s) => held.has(s.id)).map((s) => ({ id: s.id, key: s.key, name: s.name }));
    },
  };
  return service;
};
