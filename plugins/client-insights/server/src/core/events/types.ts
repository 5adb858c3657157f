/**
 * Every event of the plugin, named once with its payload. Each is emitted twice by its writer:
 * inside the transaction that made the change (in-transaction hooks) and after that transaction
 * committed (after-commit listeners); see bus.ts for which to use.
 *
 * Sets stay in the database: a payload lists customer ids only when the writer already holds them
 * (a re-evaluated chunk, one customer's tag); a whole run or a bulk statement sends counts, and
 * the rows are in its tables (a run's ci_segment_changes / ci_segment_events by `runId`).
 */
export type EventPayloads = {
  /**
   * These customers' facts (metrics rollup row, own fields) were recomputed. In-transaction: the
   * metrics refresh's transaction, so work recorded there commits with the new facts.
   */
  'customers.changed': { customerIds: number[] };

  /**
   * A segment's current membership changed: by a full run (`runId`, counts; the ids are the
   * run's ci_segment_changes rows) or by a re-evaluation of some customers (their ids; the
   * segment's current run is `runId`). Enter/exit rows are in ci_segment_events either way.
   */
  'segment.membership.changed': {
    segmentId: number;
    runId: number | null;
    source: 'run' | 'reevaluation';
    entered: number[] | number;
    exited: number[] | number;
  };

  /** A value-model run published new scores: every `score.*` field in `fields` may have changed. */
  'values.refreshed': { runId: number; modelVersion: string; at: string; fields: string[] };

  /**
   * Tag assignments changed. `customerIds` lists the customers when the writer knows them (one
   * customer, a list it was given), null for a set chosen in SQL (a segment, an auto rule).
   */
  'tags.changed': { tagId: number; customerIds: number[] | null; added: number; removed: number };
};

export type EventName = keyof EventPayloads;
