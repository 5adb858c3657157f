import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { SkipReason } from '../../../../../shared/enums';
import { bindDate } from '../../../core/db/dialect';
import { HOST_TABLES as H, TABLES } from '../../../core/db/tables';
import { compileEvaluator } from '../../rules/evaluate';
import { loadFactsMany } from '../../rules/facts';
import { startSequences } from './sequence';
import type { ActiveVersion } from './versions';

/**
 * Turns trigger candidates (a customer and the key of what fired) into occurrences, through the
 * guard rails the trigger side owns: customer missing, churned, re-entry, conditions, holdout.
 * Every candidate ends as exactly one occurrence row under its unique key: started (startSequences),
 * a holdout, or `skipped` with a log line saying why. So a re-delivered event or a second tick
 * with the same key does nothing, and nobody is dropped without a trace.
 */
export type Candidate = { customerId: number; triggerKey: string; context: Record<string, unknown> };

export type FireCounts = { candidates: number; fired: number; holdout: number; duplicate: number; skipped: Partial<Record<SkipReason, number>> };

export const emptyCounts = (): FireCounts => ({ candidates: 0, fired: 0, holdout: 0, duplicate: 0, skipped: {} });

export const addCounts = (into: FireCounts, more: FireCounts): FireCounts => {
  into.candidates += more.candidates;
  into.fired += more.fired;
  into.holdout += more.holdout;
  into.duplicate += more.duplicate;
  for (const [reason, n] of Object.entries(more.skipped) as Array<[SkipReason, number]>) into.skipped[reason] = (into.skipped[reason] ?? 0) + n;
  return into;
};

const CHUNK = 500;

/** Reproducible: the same rule and customer always land on the same side, on every node and run. */
export const inHoldout = (ruleDoc: string, customerId: number, percent: number): boolean => {
  if (!(percent > 0)) return false;
  const bucket = createHash('sha256').update(`${ruleDoc}:${customerId}`).digest().readUInt32BE(0) / 0x1_0000_0000;
  return bucket * 100 < percent;
};

const evaluators = new WeakMap<object, ReturnType<typeof compileEvaluator>>();
/** The conditions' evaluator, compiled once per loaded definition. */
export const conditionsOf = (version: ActiveVersion) => {
  const conditions = version.definition.conditions;
  if (conditions === null || conditions === undefined) return null;
  let evaluate = evaluators.get(version.definition);
  if (!evaluate) {
    evaluate = compileEvaluator(conditions);
    evaluators.set(version.definition, evaluate);
  }
  return evaluate;
};

/** Customers of `ids` that re-entry keeps out now: once (any earlier occurrence), cooldown (one within N days). */
export const reentryBlocked = async (knex: Knex, version: ActiveVersion, ids: number[], now: Date): Promise<Set<number>> => {
  const policy = version.definition.guard.reentry;
  if (policy.mode === 'every' || ids.length === 0) return new Set();
  const q = knex(TABLES.automationOccurrences)
    .where('rule_doc', version.ruleDoc)
    .whereIn('customer_id', ids)
    .whereNot('state', 'skipped')
    .where('test', false)
    .distinct('customer_id');
  if (policy.mode === 'cooldown') q.where('fired_at', '>', bindDate(knex, new Date(now.getTime() - policy.days * 86_400_000)));
  return new Set((await q).map((r: any) => Number(r.customer_id)));
};

const INSERT_ROWS = 100;
const insertAll = async (trx: Knex, table: string, rows: Record<string, unknown>[]) => {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) await trx(table).insert(rows.slice(i, i + INSERT_ROWS));
};
const pairKey = (customerId: number, triggerKey: string) => `${customerId}\u0000${triggerKey}`;

/**
 * Records a chunk's skips in bulk: each an occurrence of state `skipped` (so the same key is
 * decided once: a second tick logs nothing) and a log line with the reason. (A started
 * occurrence's `triggered` line is startSequences', whatever started it.)
 */
const recordChunk = async (trx: Knex, version: ActiveVersion, skips: Array<{ c: Candidate; reason: SkipReason }>, now: Date) => {
  if (!skips.length) return;
  const at = bindDate(trx, now);
  const line = (c: Candidate, occurrenceId: number | null, status: string, reason: SkipReason | null) => ({
    rule_doc: version.ruleDoc,
    version: version.version,
    occurrence_id: occurrenceId,
    customer_id: c.customerId,
    trigger_key: c.triggerKey.slice(0, 200),
    status,
    reason,
    attempts: 0,
    test: false,
    created_at: at,
  });
  const ids = new Map<string, number>();
  if (skips.length) {
    await insertAll(
      trx,
      TABLES.automationOccurrences,
      skips.map(({ c }) => ({
        rule_doc: version.ruleDoc,
        version: version.version,
        customer_id: c.customerId,
        trigger_key: c.triggerKey,
        state: 'skipped',
        test: false,
        fired_at: at,
      }))
    );
    const rows = await trx(TABLES.automationOccurrences)
      .where({ rule_doc: version.ruleDoc, state: 'skipped' })
      .whereIn('trigger_key', [...new Set(skips.map(({ c }) => c.triggerKey))])
      .whereIn('customer_id', [...new Set(skips.map(({ c }) => c.customerId))])
      .select('id', 'customer_id', 'trigger_key');
    for (const r of rows as any[]) ids.set(pairKey(Number(r.customer_id), r.trigger_key), Number(r.id));
  }
  await insertAll(
    trx,
    TABLES.automationLogs,
    skips.map(({ c, reason }) => line(c, ids.get(pairKey(c.customerId, c.triggerKey)) ?? null, 'skipped', reason))
  );
};

/**
 * Decides and records every candidate of one rule version, in `trx` (the caller's transaction:
 * the inbox rows or the tick it came from commit with what it caused). `reader` loads the
 * conditions' facts (several queries at once): the pool beside the transaction where the database
 * has one (dialect besideTransaction), so a PostgreSQL connection never gets overlapping queries.
 */
export const fireCandidates = async (trx: Knex, version: ActiveVersion, candidates: Candidate[], now: Date, reader: Knex = trx): Promise<FireCounts> => {
  const counts = emptyCounts();
  const { guard } = version.definition;
  const evaluate = conditionsOf(version);
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK);
    counts.candidates += chunk.length;
    const keys = [...new Set(chunk.map((c) => c.triggerKey))];
    const seen = new Set(
      (
        await trx(TABLES.automationOccurrences)
          .where('rule_doc', version.ruleDoc)
          .whereIn('trigger_key', keys)
          .whereIn('customer_id', [...new Set(chunk.map((c) => c.customerId))])
          .select('customer_id', 'trigger_key')
      ).map((r: any) => pairKey(Number(r.customer_id), r.trigger_key))
    );
    const fresh = chunk.filter((c) => !seen.has(pairKey(c.customerId, c.triggerKey)));
    counts.duplicate += chunk.length - fresh.length;
    const ids = [...new Set(fresh.map((c) => c.customerId))];
    const stageOf = new Map<number, string>(
      ids.length ? (await trx(H.customers).whereIn('id', ids).select('id', 'stage')).map((r: any) => [Number(r.id), String(r.stage)]) : []
    );
    const blocked = await reentryBlocked(trx, version, ids, now);
    const facts = evaluate ? await loadFactsMany(reader, ids, { now }) : null;
    const skips: Array<{ c: Candidate; reason: SkipReason }> = [];
    const decided = new Set<string>();
    const starts: Candidate[] = [];
    const skip = (c: Candidate, reason: SkipReason) => {
      skips.push({ c, reason });
      counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
    };
    for (const c of fresh) {
      // The same key twice in one chunk is decided once.
      if (decided.has(pairKey(c.customerId, c.triggerKey))) {
        counts.duplicate += 1;
        continue;
      }
      decided.add(pairKey(c.customerId, c.triggerKey));
      if (!stageOf.has(c.customerId)) skip(c, 'customer_missing');
      else if (stageOf.get(c.customerId) === 'churned' && !guard.includeChurned) skip(c, 'churned');
      else if (blocked.has(c.customerId)) skip(c, 'reentry');
      else if (evaluate && !evaluate(facts!.get(c.customerId)!, { now })) skip(c, 'condition_false');
      else {
        starts.push(c);
        // Two events of one batch for one customer: the second meets the first's occurrence.
        if (guard.reentry.mode !== 'every') blocked.add(c.customerId);
      }
    }
    const holdouts = starts.map((c) => inHoldout(version.ruleDoc, c.customerId, guard.holdoutPercent));
    const started = await startSequences(
      trx,
      starts.map((c, k) => ({
        ruleDoc: version.ruleDoc,
        version: version.version,
        customerId: c.customerId,
        triggerKey: c.triggerKey,
        context: c.context,
        now,
        holdout: holdouts[k],
      }))
    );
    started.forEach((result, k) => {
      if (!result) counts.duplicate += 1;
      else if (holdouts[k]) counts.holdout += 1;
      else counts.fired += 1;
    });
    await recordChunk(trx, version, skips, now);
  }
  return counts;
};
