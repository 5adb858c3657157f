import type { Core } from '@strapi/strapi';
import { recordSystemJob } from '../../core/audit/system';
import { withLock } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { storedJson } from '../../core/security/stored-json';
import { getService } from '../../get-service';
import { referencedTagSlugs } from '../rules/compile';
import { validateRule } from '../rules/validate';
import { createChangeQueue, recordPendingChanges } from '../segments/change-trigger';
import { segmentsConfig } from '../segments/config';
import { dependencyOrder } from '../segments/hierarchy';
import { scheduleSlot } from '../segments/schedule';
import { applyDiff, applyToAll, diffFor, tagRuleLock, type Applied } from './auto-apply';
import { recordRuleRun, type LogLine, type RuleTrigger } from './auto-log';
import { changingTags } from './changing';
import { ruleScheduleOf } from './config';

/** Customers re-evaluated per statement: keeps `in (...)` lists under every driver's limits. */
const CHUNK = 500;
export const SCHEDULE_JOB = 'tags:rules';

type RuleTag = { id: number; key: string; parentId: null; type: 'dynamic'; rule: unknown };

/**
 * Auto-tag rules applied on their own, through the same engine as a manual run (auto-apply.ts):
 * - on data change: the `customers.changed` hook records the customers in ci_tag_rule_pending in
 *   the transaction that refreshed their facts; a debounced pass (the segments' change queue, its
 *   delay) re-evaluates only them against every tag that carries a rule;
 * - on schedule: every rule over all customers, one tracked `tags.rule` job per tick (once across
 *   nodes: the scheduler's lock, and the tick recorded in the job's params);
 * - each application is logged per tag (auto-log.ts) and the automatic ones audited.
 * Tag changes never feed back into `customers.changed`, so a rule reading tags (`has_tag`, even its
 * own) is applied once per data change and cannot loop; tags are visited in `has_tag` order, so a
 * rule reading another rule's tag sees that tag's new assignments.
 */
export const createAutoTagRuntime = (strapi: Core.Strapi) => {
  const knex = () => strapi.db.connection;
  const events = () => getService(strapi, 'events');
  const tracker = () => createJobTracker(knex(), strapi.log);

  /** Tags carrying a valid rule, in `has_tag` dependency order (a cycle is cut, never followed). Tags are few. */
  const ruleTags = async (): Promise<RuleTag[]> => {
    const rows = await knex()(hostTables(strapi).tags).whereNotNull('rule').select('id', 'slug', 'rule').orderBy('id');
    const tags: RuleTag[] = [];
    for (const row of rows) {
      const rule = storedJson(row.rule);
      if (rule === null || typeof rule === 'string' || !validateRule(rule).valid) continue;
      tags.push({ id: Number(row.id), key: row.slug, parentId: null, type: 'dynamic', rule });
    }
    return dependencyOrder(tags, referencedTagSlugs);
  };

  /** One tag's rule over every customer, under the tag's lock, logged with its trigger. */
  const applyEverywhere = async (tagId: number, rule: unknown, trigger: RuleTrigger, now = new Date()) => {
    const started = Date.now();
    const locked = await withLock(knex(), tagRuleLock(tagId), () => changingTags(knex(), events(), (trx) => applyToAll(trx, tagId, rule, now)));
    const result = (locked as { result: Applied }).result;
    const line: LogLine = { tagId, trigger, customers: null, ...result, durationMs: Date.now() - started, at: now };
    await recordRuleRun(knex(), line);
    return line;
  };

  /**
   * Re-evaluates these customers against every rule tag. Per tag and chunk a read-only diff first
   * (most changes move nobody: no lock, no transaction), then under the tag's lock the diff again
   * and its writes in one transaction, so two nodes passing over the same rows agree.
   */
  const reevaluate = async (customerIds: number[], now = new Date()) => {
    const ids = [...new Set(customerIds.map(Number).filter((id) => Number.isInteger(id) && id > 0))];
    const tags = ids.length ? await ruleTags() : [];
    const lines: LogLine[] = [];
    for (const tag of tags) {
      const started = Date.now();
      const total: Applied = { matched: 0, added: 0, removed: 0 };
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const first = await diffFor(knex(), tag.id, tag.rule, chunk, now);
        total.matched += first.matched;
        if (!first.add.length && !first.remove.length) continue;
        const locked = await withLock(knex(), tagRuleLock(tag.id), () =>
          changingTags(knex(), events(), async (trx) => applyDiff(trx, tag.id, await diffFor(trx, tag.id, tag.rule, chunk, now), now))
        );
        const applied = (locked as { result: Applied }).result;
        total.added += applied.added;
        total.removed += applied.removed;
      }
      // Only applications that moved someone are logged: a data change that leaves a tag as it was is not news.
      if (!total.added && !total.removed) continue;
      const line = { tagId: tag.id, trigger: 'data-change' as const, customers: ids.length, ...total, durationMs: Date.now() - started, at: now };
      await recordRuleRun(knex(), line);
      lines.push(line);
    }
    if (lines.length) await audit('data-change', { customers: ids.length, tags: lines.map(summary) });
    return lines;
  };

  const summary = ({ tagId, matched, added, removed, durationMs }: Applied & { tagId: number; durationMs: number }) => ({
    tagId,
    matched,
    added,
    removed,
    durationMs,
  });
  const audit = (trigger: RuleTrigger, details: Record<string, unknown>) =>
    recordSystemJob(knex(), { action: `tag rules (${trigger})`, targetType: 'tags', targetId: null, details }, strapi.log);

  /** Every rule tag over all customers, as job `ctx` (a cancel is seen between tags). */
  const applyAll = async (ctx: JobContext) => {
    const tags = await ruleTags();
    const lines: Array<ReturnType<typeof summary>> = [];
    for (const [i, tag] of tags.entries()) {
      await ctx.progress(i / Math.max(tags.length, 1), 'assigning');
      lines.push(summary(await applyEverywhere(tag.id, tag.rule, 'schedule')));
    }
    await audit('schedule', { jobId: ctx.jobId, tags: lines });
    return { tags: lines };
  };

  /**
   * A schedule tick: runs once per tick across nodes (the scheduler's lock; a node whose timer fires
   * after the first finished finds the tick's job) and never beside a scheduled run still going.
   */
  const runScheduled = async (tick: Date) => {
    const params = JSON.stringify({ schedule: scheduleSlot(tick) });
    if (await knex()(TABLES.jobs).where({ kind: 'tags.rule', params }).first('id')) return null;
    if (await tracker().active('tags.rule', (q) => q.where('params', 'like', '{"schedule":%'))) return null;
    const jobId = await tracker().create('tags.rule', JSON.parse(params), null);
    await tracker().run(jobId, applyAll);
    return jobId;
  };

  let queue: ReturnType<typeof createChangeQueue> | null = null;
  const changes = () =>
    (queue ??= createChangeQueue(
      knex(),
      () => segmentsConfig(strapi).changeDebounceMs,
      (ids) => reevaluate(ids),
      (error) => strapi.log.error(`[client-insights] auto-tag re-evaluation failed (retried on the next pass): ${error.message}`),
      TABLES.tagRulePending
    ));
  let unsubscribe: Array<() => void> = [];

  return {
    applyEverywhere,
    reevaluate,
    runScheduled,
    /** Waits until the pending customer changes have been applied (tests, shutdown). */
    idle: () => changes().idle(),

    /** Subscribes to the events seam before any writer runs (bootstrap). */
    subscribe() {
      if (unsubscribe.length) return;
      const bus = events();
      unsubscribe = [
        bus.hook('customers.changed', (trx, { customerIds }) => recordPendingChanges(trx, customerIds, TABLES.tagRulePending)),
        bus.on('customers.changed', () => changes().notify()),
      ];
    },

    /** The schedule (refused at startup when invalid), the once-a-minute pass, and what a previous process left pending. */
    start() {
      const scheduler = getService(strapi, 'scheduler');
      const schedule = ruleScheduleOf(strapi);
      if (schedule) scheduler.schedule({ name: SCHEDULE_JOB, ...schedule, run: async (tick) => void (await runScheduled(tick)) });
      scheduler.schedule({ name: 'tags:pending-changes', cron: '* * * * *', run: () => changes().flush() });
      void changes().flush();
    },

    stop() {
      queue?.stop();
      unsubscribe.forEach((off) => off());
      unsubscribe = [];
    },
  };
};

export default ({ strapi }: { strapi: Core.Strapi }) => createAutoTagRuntime(strapi);
