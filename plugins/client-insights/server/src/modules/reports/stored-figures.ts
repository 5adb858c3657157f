import type { Knex } from 'knex';
import { versionOf } from '../../core/db/data-versions';
import { bindDate, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { createSemaphore } from '../../core/jobs/semaphore';

/**
 * Report figures computed ahead of the question. A report's figures per segment (a period's sums
 * over its members, say) take seconds to compute at 1M customers, but change only when their
 * inputs do: the customers' activity (the `activity` data version, core/db/data-versions.ts) and
 * the segment's membership (its current run; segment 0, all customers, has none). Each stored row
 * records those inputs as they were when its computation began, so:
 * - equal inputs now: the row is exact, served as it is;
 * - changed inputs, row younger than STORED_MAX_AGE_MS: served, marked stale with its "as of",
 *   and a refresh is asked for (the caller's `onStale`);
 * - older, missing, or `fresh` asked: computed now, stored, served.
 * The refresher (refreshStored, a job and the stale nudge) recomputes the stale rows asked for
 * within ASKED_WITHIN_MS, so a question asked again finds them exact again.
 */
export const STORED_MAX_AGE_MS = 10 * 60_000;
export const ASKED_WITHIN_MS = 24 * 3600_000;
/** Rows not asked for this long are deleted by the refresher. */
const FORGOTTEN_AFTER_MS = 30 * 24 * 3600_000;
/**
 * A served row's `asked_at` moves on at most this often: it only bounds (ASKED_WITHIN_MS) and orders
 * the refresher's work, which needs no finer time, and a view of a report should not be a write.
 */
export const ASKED_AT_STEP_MS = 10 * 60_000;

/** A question (its key, e.g. a period with its time zone) and the segments whose figures it needs (0: all customers, when the kind has them). */
export type Question = { key: string; segmentIds: number[] };

/**
 * A kind of stored figures: its name, how its questions are computed (one map per question, by
 * segment), and, for questions about days relative to the day they were asked, the key the same
 * question has today (null when it does not move; periods.ts movedToToday).
 */
export type StoredKind<T> = {
  kind: string;
  compute: (questions: Question[]) => Promise<Array<Map<number, T>>>;
  movedToToday?: (key: string, askedAt: Date, now: Date) => string | null;
};

export type Served<T> = { figures: Array<Map<number, T>>; asOf: Date; stale: boolean };

type Inputs = { activity: number; runs: Map<number, number> };
type Row = {
  question: string;
  segment_id: number;
  activity_version: number | string;
  run_id: number | null;
  figures: string;
  computed_at: unknown;
  asked_at?: unknown;
};

const unique = (ids: number[]) => [...new Set(ids)];

const inputsNow = async (knex: Knex, segmentIds: number[]): Promise<Inputs> => {
  const ids = segmentIds.filter((id) => id !== 0);
  const [activity, current] = await Promise.all([
    versionOf(knex, 'activity'),
    ids.length ? knex(TABLES.segmentCurrent).whereIn('segment_id', ids).select('segment_id', 'run_id') : Promise.resolve([]),
  ]);
  return { activity, runs: new Map(current.map((r: { segment_id: number; run_id: number }) => [Number(r.segment_id), Number(r.run_id)] as const)) };
};

const runOf = (inputs: Inputs, segmentId: number) => inputs.runs.get(segmentId) ?? null;
const holds = (row: Row, inputs: Inputs) =>
  Number(row.activity_version) === inputs.activity && (row.run_id === null ? null : Number(row.run_id)) === runOf(inputs, Number(row.segment_id));
const timeOf = (v: unknown) => readDate(v) ?? new Date(0);

const write = async <T>(knex: Knex, kind: string, questions: Question[], figures: Array<Map<number, T>>, inputs: Inputs, computedAt: Date, askedAt: Date) => {
  const rows = questions.flatMap((q, i) =>
    [...figures[i]].map(([segmentId, value]) => ({
      kind,
      question: q.key,
      segment_id: segmentId,
      activity_version: inputs.activity,
      run_id: runOf(inputs, segmentId),
      figures: JSON.stringify(value),
      computed_at: bindDate(knex, computedAt),
      asked_at: bindDate(knex, askedAt),
    }))
  );
  for (let i = 0; i < rows.length; i += 500)
    await knex(TABLES.reportFigures)
      .insert(rows.slice(i, i + 500))
      .onConflict(['kind', 'question', 'segment_id'])
      .merge(['activity_version', 'run_id', 'figures', 'computed_at', 'asked_at']);
};

type Computed<T> = { figures: Array<Map<number, T>>; computedAt: Date };

/**
 * Computations under way in this process, per database and by what they compute: the same
 * questions asked again meanwhile (a page reloaded, `fresh=true` clicked twice, several users)
 * wait for that one instead of costing the database another pass of seconds.
 */
const underWay = new WeakMap<Knex, Map<string, Promise<Computed<unknown>>>>();

/**
 * At most this many computations at once per database in this process; more wait their turn.
 * At 1M customers one costs about 10 s of database time: a burst of new periods or `fresh=true`
 * from several readers, and the refresher, queue instead of taking every core of the database.
 */
export const MAX_COMPUTATIONS = 2;
const turns = new WeakMap<Knex, ReturnType<typeof createSemaphore>>();
const turnsOf = (knex: Knex) => {
  const made = turns.get(knex) ?? createSemaphore(() => MAX_COMPUTATIONS);
  turns.set(knex, made);
  return made;
};

/** `askedAt`: when the rows count as asked for (default: now, computed because someone asked). */
const computeAndStore = <T>(knex: Knex, of: StoredKind<T>, questions: Question[], askedAt?: Date): Promise<Computed<T>> => {
  const id = `${of.kind}\u0000${questions.map((q) => `${q.key}#${[...q.segmentIds].sort((a, b) => a - b).join(',')}`).join(';')}`;
  const mine = underWay.get(knex) ?? underWay.set(knex, new Map()).get(knex)!;
  const running = mine.get(id) as Promise<Computed<T>> | undefined;
  if (running) return running;
  const work = turnsOf(knex)(async () => {
    // The inputs are read before the figures: a change committed in between makes the row look
    // stale later (recomputed once more), never exact while it is not.
    const inputs = await inputsNow(knex, unique(questions.flatMap((q) => q.segmentIds)));
    const computedAt = new Date();
    const figures = await of.compute(questions);
    await write(knex, of.kind, questions, figures, inputs, computedAt, askedAt ?? computedAt);
    return { figures, computedAt };
  }).finally(() => mine.delete(id));
  mine.set(id, work);
  return work;
};

/** The figures of these questions, stored or computed (see above); `asOf` is the oldest computation served. */
export const servedFigures = async <T>(
  knex: Knex,
  of: StoredKind<T>,
  questions: Question[],
  { fresh = false, maxAgeMs = STORED_MAX_AGE_MS, onStale }: { fresh?: boolean; maxAgeMs?: number; onStale?: () => void } = {}
): Promise<Served<T>> => {
  const asked = questions.map((q) => ({ ...q, segmentIds: unique(q.segmentIds) }));
  const segmentIds = unique(asked.flatMap((q) => q.segmentIds));
  const now = new Date();
  const [inputs, rows] = fresh
    ? [null, [] as Row[]]
    : await Promise.all([
        inputsNow(knex, segmentIds),
        knex(TABLES.reportFigures)
          .where('kind', of.kind)
          .whereIn(
            'question',
            asked.map((q) => q.key)
          )
          .whereIn('segment_id', segmentIds)
          .select('question', 'segment_id', 'activity_version', 'run_id', 'figures', 'computed_at') as Promise<Row[]>,
      ]);
  const byKey = new Map(rows.map((r) => [`${r.question}\u0000${Number(r.segment_id)}`, r]));
  const figures: Array<Map<number, T> | null> = [];
  const missing: number[] = [];
  let asOf: Date | null = null;
  const servedAsOf = (at: Date) => (asOf = asOf === null || at < asOf ? at : asOf);
  let stale = false;
  for (const [i, q] of asked.entries()) {
    const found = q.segmentIds.map((id) => byKey.get(`${q.key}\u0000${id}`));
    const usable = inputs !== null && found.every((r) => r && (holds(r, inputs) || now.getTime() - timeOf(r.computed_at).getTime() <= maxAgeMs));
    if (!usable) {
      figures.push(null);
      missing.push(i);
      continue;
    }
    figures.push(new Map(found.map((r) => [Number(r!.segment_id), JSON.parse(r!.figures) as T])));
    for (const r of found) {
      servedAsOf(timeOf(r!.computed_at));
      if (!holds(r!, inputs)) stale = true;
    }
  }
  if (missing.length) {
    const computed = await computeAndStore(
      knex,
      of,
      missing.map((i) => asked[i])
    );
    missing.forEach((i, k) => (figures[i] = computed.figures[k]));
    servedAsOf(computed.computedAt);
  }
  if (missing.length < asked.length) {
    // What the refresher keeps current: the rows served now.
    await knex(TABLES.reportFigures)
      .where('kind', of.kind)
      .whereIn(
        'question',
        asked.map((q) => q.key)
      )
      .whereIn('segment_id', segmentIds)
      .where('asked_at', '<', bindDate(knex, new Date(now.getTime() - ASKED_AT_STEP_MS)))
      .update({ asked_at: bindDate(knex, now) });
  }
  if (stale) onStale?.();
  return { figures: figures as Array<Map<number, T>>, asOf: asOf ?? now, stale };
};

/**
 * Recomputes the stored rows of `of` whose inputs changed and that were asked for within
 * ASKED_WITHIN_MS, one question at a time (the most recently asked first); computes, for those
 * asked relative to their day (the admin's default "the last 90 days and the 90 before"), the
 * same question for today, before anyone asks it; deletes rows not asked for in
 * FORGOTTEN_AFTER_MS. Returns the number of questions computed.
 */
export const refreshStored = async <T>(knex: Knex, of: StoredKind<T>, now = new Date()): Promise<number> => {
  await knex(TABLES.reportFigures)
    .where('kind', of.kind)
    .where('asked_at', '<', bindDate(knex, new Date(now.getTime() - FORGOTTEN_AFTER_MS)))
    .delete();
  const rows: Row[] = await knex(TABLES.reportFigures)
    .where('kind', of.kind)
    .where('asked_at', '>=', bindDate(knex, new Date(now.getTime() - ASKED_WITHIN_MS)))
    .orderBy('asked_at', 'desc')
    .select('question', 'segment_id', 'activity_version', 'run_id', 'computed_at', 'asked_at');
  const inputs = await inputsNow(knex, unique(rows.map((r) => Number(r.segment_id))));
  const stale = new Map<string, number[]>();
  const asked = new Map<string, { askedAt: Date; segmentIds: number[] }>();
  for (const r of rows) {
    if (!holds(r, inputs)) stale.set(r.question, [...(stale.get(r.question) ?? []), Number(r.segment_id)]);
    // Rows come the most recently asked first: a question's first row is its last ask.
    const entry = asked.get(r.question) ?? asked.set(r.question, { askedAt: timeOf(r.asked_at), segmentIds: [] }).get(r.question)!;
    entry.segmentIds.push(Number(r.segment_id));
  }
  for (const [key, segmentIds] of stale) await computeAndStore(knex, of, [{ key, segmentIds }]);
  let moved = 0;
  for (const [key, { askedAt, segmentIds }] of of.movedToToday ? asked : []) {
    const today = of.movedToToday!(key, askedAt, now);
    if (!today || (await knex(TABLES.reportFigures).where({ kind: of.kind, question: today }).first('id'))) continue;
    // Counted as not asked yet: neither refreshed nor moved on again until someone asks it.
    await computeAndStore(knex, of, [{ key: today, segmentIds }], new Date(now.getTime() - ASKED_WITHIN_MS - 1000));
    moved += 1;
  }
  return stale.size + moved;
};
