import type { Knex } from 'knex';
import { bindDate, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import type { TAG_RULE_TRIGGERS } from '../../../../shared/enums';
import type { RuleLogEntry, RuleRun } from '../../../../shared/contracts/tags';
import type { Applied } from './auto-apply';

export type RuleTrigger = (typeof TAG_RULE_TRIGGERS)[number];

/** Lines kept per tag: the log answers "what did the rule do lately", the audit log keeps the history. */
const KEEP_PER_TAG = 500;

export type LogLine = Applied & { tagId: number; trigger: RuleTrigger; customers: number | null; durationMs: number; at: Date };

/** Records one application of a tag's rule and drops the tag's lines beyond the newest KEEP_PER_TAG. */
export const recordRuleRun = async (knex: Knex, line: LogLine): Promise<void> => {
  await knex(TABLES.tagRuleLog).insert({
    tag_id: line.tagId,
    trigger_kind: line.trigger,
    customers: line.customers,
    matched: line.matched,
    added: line.added,
    removed: line.removed,
    duration_ms: Math.round(line.durationMs),
    at: bindDate(knex, line.at),
  });
  const edge = await knex(TABLES.tagRuleLog).where('tag_id', line.tagId).orderBy('id', 'desc').offset(KEEP_PER_TAG).first('id');
  if (edge) await knex(TABLES.tagRuleLog).where('tag_id', line.tagId).andWhere('id', '<=', edge.id).delete();
};

const toEntry = (row: any): RuleLogEntry => ({
  id: Number(row.id),
  at: readDate(row.at)!.toISOString(),
  trigger: row.trigger_kind,
  customers: row.customers === null || row.customers === undefined ? null : Number(row.customers),
  matched: Number(row.matched),
  added: Number(row.added),
  removed: Number(row.removed),
  durationMs: Number(row.duration_ms),
});

/** A tag's latest lines, newest first. */
export const listRuleRuns = async (knex: Knex, tagId: number, { limit = 20, trigger }: { limit?: number; trigger?: RuleTrigger } = {}) => {
  const q = knex(TABLES.tagRuleLog).where('tag_id', tagId).orderBy('id', 'desc').limit(limit);
  if (trigger) q.where('trigger_kind', trigger);
  return (await q).map(toEntry);
};

/** Each tag's latest line (the tag list's `lastRun`), one statement. */
export const latestRuleRuns = async (knex: Knex): Promise<Record<string, RuleRun>> => {
  const rows = await knex(TABLES.tagRuleLog).whereIn('id', knex(TABLES.tagRuleLog).max('id').groupBy('tag_id'));
  return Object.fromEntries(
    rows.map((row: any) => {
      const { at, matched, added, removed, durationMs } = toEntry(row);
      return [String(row.tag_id), { at, matched, added, removed, durationMs }];
    })
  );
};
