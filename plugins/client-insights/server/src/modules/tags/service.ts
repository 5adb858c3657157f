import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { UID } from '../../core/constants';
import { bindDate, readDate } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { getService } from '../../get-service';
import { referencedTagSlugs } from '../rules/compile';
import { latestRuleRuns, listRuleRuns, type RuleTrigger } from './auto-log';
import { changingTags } from './changing';
import { validateRule } from '../rules/validate';
import type { z } from 'zod';
import type { bulkTagSchema, createTagSchema, RuleRun, updateTagSchema } from '../../../../shared/contracts/tags';
import { keyFromName } from '../../../../shared/keys';
import type { TAG_SOURCES } from '../../../../shared/enums';
import { ApiError, prefixed } from '../../core/http/errors';
import { asApiError } from '../../core/http/respond';
import { storedJson } from '../../core/security/stored-json';
import type { Viewer } from '../../core/http/viewer';
import { visibleTo } from '../../core/security/visibility';

type TagSource = (typeof TAG_SOURCES)[number];

/** A stored rule (text or JSON), null when unreadable; too deep a one becomes a marker no reader accepts (core/security). */
const parseJson = (v: unknown) => {
  const value = storedJson(v);
  return typeof value === 'string' ? null : value;
};

/** Whether a rule contains {"has_tag": [slug]} (depth-bounded: a stored rule nested 2,500 levels cannot overflow the stack). */
const usesTag = (rule: unknown, slug: string): boolean => referencedTagSlugs(rule).includes(slug);

/** "Counts" assignments: unexpired ones. */
const live = (knex: Knex, alias: string, now: Date) => knex.raw(`(${alias}.expires_at is null or ${alias}.expires_at > ?)`, [bindDate(knex, now)]);

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tagTable = () => hostTables(strapi).tags;
  const customerTable = () => hostTables(strapi).customers;
  const segmentTable = () => hostTables(strapi).segments;
  const tracker = () => createJobTracker(knex(), strapi.log);

  /** `tags.changed` for each change `write` made (changing.ts). */
  const changing = <R>(write: Parameters<typeof changingTags<R>>[2]) => changingTags(knex(), getService(strapi, 'events'), write);

  const lastRuns = (): Promise<Record<string, RuleRun>> => latestRuleRuns(knex());

  const checkRule = (rule: unknown) => {
    if (rule === null || rule === undefined) return;
    const result = validateRule(rule);
    if (!result.valid) throw ApiError.invalid(prefixed('/rule', result.errors));
  };

  /** Ids of the tags the viewer may see (core/security/visibility.ts); tags are few. */
  const visibleTagIds = async (viewer: Viewer) => {
    const rows = await strapi.db.query(UID.tag as any).findMany({ select: ['id', 'visibility'], populate: { owner: { select: ['id'] } } });
    const owned = rows.map((r: any) => ({ id: Number(r.id), visibility: r.visibility, ownerId: r.owner?.id ? Number(r.owner.id) : null }));
    return new Set((await visibleTo(strapi, viewer, owned)).map((t) => t.id));
  };

  /** A tag the viewer may see; one they may not answers 404 exactly like a missing one. */
  const getRow = async (viewer: Viewer, id: number) => {
    const row = await knex()(tagTable()).where({ id }).first();
    if (!row || !(await visibleTagIds(viewer)).has(Number(row.id))) throw ApiError.notFound(`tag ${id} not found`);
    return row;
  };

  const view = (row: any, usage: number, run?: RuleRun) => ({
    id: Number(row.id),
    documentId: row.document_id,
    name: row.name,
    slug: row.slug,
    category: row.category,
    description: row.description ?? null,
    color: row.color ?? null,
    rule: parseJson(row.rule),
    visibility: row.visibility,
    usage,
    lastRun: run ?? null,
  });

  const ruleOf = (row: any) => {
    const rule = parseJson(row.rule);
    if (rule === null) throw ApiError.invalid([{ path: '/rule', message: 'this tag has no auto rule' }]);
    checkRule(rule);
    return rule;
  };

  /**
   * Runs a tag's auto rule by hand (auto-apply.ts through the auto-tag runtime: the tag's lock, the
   * log). A cancel request is seen before the one transaction that assigns; once it has begun the
   * run finishes (nothing half-assigned).
   */
  const runRule = async (id: number, rule: unknown, ctx?: JobContext): Promise<RuleRun> => {
    await ctx?.progress(0.05, 'matching');
    const { at, matched, added, removed, durationMs } = await getService(strapi, 'tagRules').applyEverywhere(id, rule, 'manual');
    return { at: at.toISOString(), matched, added, removed, durationMs };
  };

  /**
   * 409 while a segment rule names the tag (`has_tag`): removing it would silently change what the
   * segment matches. Segments the viewer may not see are counted, never named.
   */
  const refuseWhileUsed = async (viewer: Viewer, slug: string) => {
    // Segments are few (not customers): reading their rules here is fine and dialect-free.
    const segments = await knex()(segmentTable()).select('id', 'name', 'rule');
    const referencing = segments.filter((seg: any) => usesTag(parseJson(seg.rule), slug));
    if (!referencing.length) return;
    const seen = new Set((await getService(strapi, 'segments').visibleSegments(viewer)).visible.map((s) => s.id));
    const named = referencing.filter((s: any) => seen.has(Number(s.id))).map((s: any) => s.name);
    const hidden = referencing.length - named.length;
    const list = [...named, ...(hidden ? [`${hidden} segment${hidden > 1 ? 's' : ''} you cannot see`] : [])].join(', ');
    throw ApiError.conflict(`segments use tag "${slug}": ${list}; change their rules first`);
  };

  /**
   * A content-API caller that sees only `global` tags may not make one `team` or `private`: it
   * would vanish for them the moment it was written (and, with no owner, for every admin too).
   */
  const checkVisibility = (viewer: Viewer, visibility: string | undefined) => {
    if (visibility === undefined || visibility === 'global' || viewer.kind === 'admin' || viewer.seesRestricted) return;
    throw ApiError.invalid([{ path: '/visibility', message: `this API token sees global tags only: it cannot make a tag ${visibility}` }]);
  };

  const service = {
    visibleTagIds,

    /** Every tag with its number of customers (unexpired assignments), one aggregate. */
    async list(viewer: Viewer, query: { category?: string; q?: string } = {}, now = new Date()) {
      const k = knex();
      const q = k(`${tagTable()} as t`)
        .leftJoin(`${TABLES.customerTags} as ct`, function () {
          this.on('ct.tag_id', '=', 't.id').andOn(live(k, 'ct', now));
        })
        .groupBy('t.id')
        .select('t.id', 't.document_id', 't.name', 't.slug', 't.category', 't.description', 't.color', 't.rule', 't.visibility')
        .count({ usage: 'ct.customer_id' })
        .orderBy([{ column: 't.category' }, { column: 't.name' }]);
      if (query.category) q.where('t.category', query.category);
      if (query.q) q.where((w) => w.where('t.name', 'like', `%${query.q}%`).orWhere('t.slug', 'like', `%${query.q}%`));
      // PostgreSQL wants every selected column grouped; t.id is the key, so this changes nothing.
      q.groupBy('t.document_id', 't.name', 't.slug', 't.category', 't.description', 't.color', 't.rule', 't.visibility');
      const [rows, runs, visible] = await Promise.all([q, lastRuns(), visibleTagIds(viewer)]);
      return rows.filter((r: any) => visible.has(Number(r.id))).map((r: any) => view(r, Number(r.usage), runs[String(r.id)]));
    },

    async get(viewer: Viewer, id: number) {
      const row = await getRow(viewer, id);
      const usage = await knex()(`${TABLES.customerTags} as ct`)
        .where('ct.tag_id', id)
        .andWhere(live(knex(), 'ct', new Date()))
        .count({ n: '*' })
        .first();
      return view(row, Number(usage?.n ?? 0), (await lastRuns())[String(id)]);
    },

    /** Records its owner (the calling admin); a taken slug gets one answer whoever's tag holds it. */
    async create(viewer: Viewer, input: z.infer<typeof createTagSchema>) {
      return (await service.createMany(viewer, [input], () => ''))[0];
    },

    /**
     * Creates every tag or none: each is checked first (rule, the tags and segments it names,
     * slug), a refusal naming the item by `at(i)` (`/3/slug`); then all are written in one
     * transaction.
     */
    async createMany(viewer: Viewer, inputs: z.infer<typeof createTagSchema>[], at: (i: number) => string = (i) => `/${i}`) {
      const owner = viewer.kind === 'admin' ? { owner: viewer.userId } : {};
      // A refusal of item i, its pointers moved under at(i).
      const ofItem = (error: unknown, i: number) => {
        const refusal = asApiError(error);
        return refusal?.status === 400 && at(i) ? ApiError.invalid(prefixed(at(i), refusal.errors)) : error;
      };
      const data: Record<string, unknown>[] = [];
      for (const [i, input] of inputs.entries()) {
        try {
          checkVisibility(viewer, input.visibility);
          checkRule(input.rule);
          if (input.rule !== undefined && input.rule !== null) await getService(strapi, 'rules').refuseUnseen(viewer, input.rule);
          const slug = input.slug ?? keyFromName(input.name, 'tag');
          const taken = (await knex()(tagTable()).where({ slug }).first('id')) || data.some((d) => d.slug === slug);
          if (taken) throw ApiError.invalid([{ path: '/slug', message: `slug "${slug}" is not available; choose another slug` }]);
          data.push({ ...input, slug, ...owner });
        } catch (error) {
          throw ofItem(error, i);
        }
      }
      // The checks on every document write (core/security/validation.ts) run again here; one refusing rolls all back.
      const ids = await strapi.db.transaction(async () => {
        const created: number[] = [];
        for (const [i, item] of data.entries()) {
          try {
            created.push(Number(((await strapi.documents(UID.tag as any).create({ data: item as any })) as any).id));
          } catch (error) {
            throw ofItem(error, i);
          }
        }
        return created;
      });
      return Promise.all(ids.map((id) => service.get(viewer, id)));
    },

    async update(viewer: Viewer, id: number, input: z.infer<typeof updateTagSchema>) {
      const row = await getRow(viewer, id);
      checkVisibility(viewer, input.visibility);
      checkRule(input.rule);
      if (input.rule !== undefined && input.rule !== null) await getService(strapi, 'rules').refuseUnseen(viewer, input.rule);
      await strapi.documents(UID.tag as any).update({ documentId: row.document_id, data: input as any });
      return service.get(viewer, id);
    },

    /**
     * Moves every assignment of `source` to `target` (keeping the target's own where a customer had
     * both), then deletes `source`. Refused while a segment rule still names the source tag.
     */
    async merge(viewer: Viewer, sourceId: number, targetId: number) {
      const [source, target] = await Promise.all([getRow(viewer, sourceId), getRow(viewer, targetId)]);
      await refuseWhileUsed(viewer, source.slug);
      const moved = await changing(async (trx) => {
        const before = await trx(TABLES.customerTags).where('tag_id', targetId).count({ n: '*' }).first();
        await trx.into(trx.raw('?? (customer_id, tag_id, source, confidence, created_at, expires_at)', [TABLES.customerTags])).insert(
          trx(`${TABLES.customerTags} as s`)
            .where('s.tag_id', sourceId)
            .whereNotExists(
              trx(`${TABLES.customerTags} as x`).select(trx.raw('1')).where('x.tag_id', targetId).andWhere('x.customer_id', trx.ref('s.customer_id'))
            )
            .select('s.customer_id', trx.raw('?', [targetId]), 's.source', 's.confidence', 's.created_at', 's.expires_at')
        );
        const after = await trx(TABLES.customerTags).where('tag_id', targetId).count({ n: '*' }).first();
        const removed = Number(await trx(TABLES.customerTags).where('tag_id', sourceId).delete());
        const added = Number(after?.n ?? 0) - Number(before?.n ?? 0);
        return {
          result: added,
          changes: [
            { tagId: targetId, customerIds: null, added, removed: 0 },
            { tagId: sourceId, customerIds: null, added: 0, removed },
          ],
        };
      });
      await strapi.documents(UID.tag as any).delete({ documentId: source.document_id });
      return { moved, target: await service.get(viewer, Number(target.id)) };
    },

    /** Deletes a tag with its assignments (refused with 409 while a segment rule names it). */
    async remove(viewer: Viewer, id: number) {
      const row = await getRow(viewer, id);
      await refuseWhileUsed(viewer, row.slug);
      const removedAssignments = await changing(async (trx) => {
        const removed = Number(await trx(TABLES.customerTags).where('tag_id', id).delete());
        return { result: removed, changes: [{ tagId: id, customerIds: null, added: 0, removed }] };
      });
      await strapi.documents(UID.tag as any).delete({ documentId: row.document_id });
      return { id, removedAssignments };
    },

    /**
     * Apply or remove a tag for a segment's current members, a list of ids or the customer list's
     * filter, in one statement. Listed ids that name no customer come back in `missing`.
     * `strict` (the integrator API) refuses instead, writing nothing: an unknown or hidden tag and
     * listed ids that name no customer are a 400 at the pointers it gives. New assignments record
     * `source` (default `manual`).
     */
    async bulk(
      id: number,
      input: z.infer<typeof bulkTagSchema>,
      viewer: Viewer,
      { now = new Date(), source = 'manual', strict }: { now?: Date; source?: TagSource; strict?: { tag: string; customers: string } } = {}
    ) {
      try {
        await getRow(viewer, id);
      } catch (error) {
        if (strict && error instanceof ApiError && error.status === 404) throw ApiError.invalid([{ path: strict.tag, message: `tag ${id} does not exist` }]);
        throw error;
      }
      const k = knex();
      const named = input.customerIds ?? null;
      let customers: (trx: Knex) => Knex.QueryBuilder;
      let missing: number[] = [];
      if (input.segment !== undefined) {
        // A segment the viewer may not see is refused exactly like a missing one.
        const { visible } = await getService(strapi, 'segments').visibleSegments(viewer);
        const seg = visible.find((s) => (typeof input.segment === 'number' ? s.id === input.segment : s.key === input.segment));
        if (!seg) throw ApiError.invalid([{ path: '/segment', message: `segment ${input.segment} does not exist` }]);
        customers = (trx) =>
          trx(`${TABLES.segmentMembers} as m`)
            .join(`${TABLES.segmentCurrent} as cur`, function () {
              this.on('cur.segment_id', '=', 'm.segment_id').andOn('cur.run_id', '=', 'm.run_id');
            })
            .where('m.segment_id', seg.id)
            .select('m.customer_id');
      } else if (input.filter !== undefined) {
        const { query } = await getService(strapi, 'customers').matchingIds(input.filter, viewer);
        // As a derived table: MySQL refuses a DELETE whose subquery reads the same table (a tag filter does).
        customers = (trx) => trx.from(query.clone().as('f')).select('f.customer_id');
      } else {
        const wanted = [...new Set(input.customerIds!)];
        const found = new Set<number>();
        // In chunks: databases cap the number of bound parameters.
        for (let i = 0; i < wanted.length; i += 10_000) {
          const rows = await k(customerTable())
            .whereIn('id', wanted.slice(i, i + 10_000))
            .pluck('id');
          for (const r of rows) found.add(Number(r));
        }
        missing = wanted.filter((n) => !found.has(n)).sort((a, b) => a - b);
        if (strict && missing.length) {
          const shown = missing.slice(0, 20).join(', ');
          throw ApiError.invalid([
            {
              path: strict.customers,
              message: `${missing.length} customer id${missing.length > 1 ? 's name' : ' names'} no customer: ${shown}${missing.length > 20 ? ', …' : ''}`,
            },
          ]);
        }
        customers = (trx) => trx(customerTable()).whereIn('id', input.customerIds!).select('id as customer_id');
      }
      const result = await changing(async (trx) => {
        if (input.action === 'remove') {
          const removed = Number(await trx(TABLES.customerTags).where('tag_id', id).whereIn('customer_id', customers(trx)).delete());
          return { result: { affected: removed }, changes: [{ tagId: id, customerIds: named, added: 0, removed }] };
        }
        const expires = input.expiresAt ? bindDate(trx, new Date(input.expiresAt)) : null;
        const candidates = trx
          .from(customers(trx).as('src'))
          .whereNotExists(trx(`${TABLES.customerTags} as x`).select(trx.raw('1')).where('x.tag_id', id).andWhere('x.customer_id', trx.ref('src.customer_id')))
          .select('src.customer_id', trx.raw('?', [id]), trx.raw('?', [source]), trx.raw('null'), trx.raw('?', [bindDate(trx, now)]), trx.raw('?', [expires]));
        const before = await trx(TABLES.customerTags).where('tag_id', id).count({ n: '*' }).first();
        await trx.into(trx.raw('?? (customer_id, tag_id, source, confidence, created_at, expires_at)', [TABLES.customerTags])).insert(candidates);
        const after = await trx(TABLES.customerTags).where('tag_id', id).count({ n: '*' }).first();
        const added = Number(after?.n ?? 0) - Number(before?.n ?? 0);
        return { result: { affected: added }, changes: [{ tagId: id, customerIds: named, added, removed: 0 }] };
      });
      return { ...result, missing };
    },

    /**
     * Starts a run of the tag's auto rule as a tracked job ('tags.rule', read and cancelled at
     * /jobs/:jobId), or answers the run already going for this tag (never two at once). 400 when
     * the tag has no rule or its rule is invalid.
     */
    async startRuleRun(viewer: Viewer, id: number) {
      const requestedBy = viewer.kind === 'admin' ? viewer.userId : null;
      const rule = ruleOf(await getRow(viewer, id));
      const params = { tagId: id };
      const going = await tracker().active('tags.rule', (q) => q.where('params', JSON.stringify(params)));
      if (going) return { job: going, started: false };
      const jobId = await tracker().start('tags.rule', params, (ctx) => runRule(id, rule, ctx), requestedBy);
      return { job: (await tracker().get(jobId))!, started: true };
    },

    /** The tag's auto-rule log, newest first (404 for a tag the viewer may not see). */
    async ruleLog(viewer: Viewer, id: number, query: { limit?: number; trigger?: RuleTrigger } = {}) {
      await getRow(viewer, id);
      return listRuleRuns(knex(), id, query);
    },

    /** For one customer: add (manual) or remove an assignment. */
    async assign(viewer: Viewer, customerId: number, tagId: number, expiresAt: string | null, now = new Date()) {
      await getRow(viewer, tagId);
      const k = knex();
      if (!(await k(customerTable()).where({ id: customerId }).first('id'))) throw ApiError.notFound(`customer ${customerId} not found`);
      const expires = expiresAt ? bindDate(k, new Date(expiresAt)) : null;
      await changing(async (trx) => {
        const exists = await trx(TABLES.customerTags).where({ customer_id: customerId, tag_id: tagId }).first();
        if (exists) await trx(TABLES.customerTags).where({ customer_id: customerId, tag_id: tagId }).update({ source: 'manual', expires_at: expires });
        else
          await trx(TABLES.customerTags).insert({
            customer_id: customerId,
            tag_id: tagId,
            source: 'manual',
            confidence: null,
            created_at: bindDate(trx, now),
            expires_at: expires,
          });
        return { result: null, changes: [{ tagId, customerIds: [customerId], added: exists ? 0 : 1, removed: 0 }] };
      });
      return { customerId, tagId, expiresAt: expires === null ? null : readDate(expires)?.toISOString() };
    },

    /**
     * An automation step's tag change for one customer (source 'rule'; an existing assignment,
     * manual or not, is kept as it is). Idempotent: adding a tag the customer has, or removing one
     * they do not, changes nothing. Answers null when the tag or customer no longer exists.
     */
    async applyForAutomation(customerId: number, tagId: number, op: 'add' | 'remove', now = new Date()) {
      const k = knex();
      if (!(await k(tagTable()).where({ id: tagId }).first('id')) || !(await k(customerTable()).where({ id: customerId }).first('id'))) return null;
      return changing(async (trx) => {
        if (op === 'remove') {
          const removed = Number(await trx(TABLES.customerTags).where({ customer_id: customerId, tag_id: tagId }).delete());
          return { result: { changed: removed > 0 }, changes: [{ tagId, customerIds: [customerId], added: 0, removed }] };
        }
        const exists = await trx(TABLES.customerTags).where({ customer_id: customerId, tag_id: tagId }).first('tag_id');
        if (!exists)
          await trx(TABLES.customerTags)
            .insert({ customer_id: customerId, tag_id: tagId, source: 'rule', confidence: null, created_at: bindDate(trx, now), expires_at: null })
            .onConflict(['customer_id', 'tag_id'])
            .ignore();
        const added = exists ? 0 : 1;
        return { result: { changed: added > 0 }, changes: [{ tagId, customerIds: [customerId], added, removed: 0 }] };
      });
    },

    /** 404 for a customer or tag that does not exist (or a tag the caller may not see); removing a tag the customer does not have removes 0. */
    async unassign(viewer: Viewer, customerId: number, tagId: number) {
      await getRow(viewer, tagId);
      if (!(await knex()(customerTable()).where({ id: customerId }).first('id'))) throw ApiError.notFound(`customer ${customerId} not found`);
      return changing(async (trx) => {
        const removed = Number(await trx(TABLES.customerTags).where({ customer_id: customerId, tag_id: tagId }).delete());
        return { result: { removed }, changes: [{ tagId, customerIds: [customerId], added: 0, removed }] };
      });
    },
  };
  return service;
};
