import type { Knex } from 'knex';
import { bindDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import type { EventPayloads } from '../../core/events/types';
import { matchQuery } from '../rules/compile';

/**
 * Applying a tag's auto rule, set-based through the rule compiler: customers it matches get the tag
 * (source 'rule'); rule-given assignments of customers it no longer matches are removed. Manual
 * (and api/import) assignments are never touched: a customer holding one is neither re-added nor
 * removed. Both forms run inside the caller's transaction, under the tag's lock (`tagRuleLock`).
 */

export type Applied = { matched: number; added: number; removed: number };
type Change = EventPayloads['tags.changed'];

/** The cross-node lock every application of one tag's rule holds (manual, schedule, data change). */
export const tagRuleLock = (tagId: number) => `tag-rule:${tagId}`;

const insertColumns = (trx: Knex) => trx.raw('?? (customer_id, tag_id, source, confidence, created_at, expires_at)', [TABLES.customerTags]);

/** Over every customer: one DELETE and one INSERT … SELECT; the change announces counts, not ids (a set chosen in SQL). */
export const applyToAll = async (trx: Knex.Transaction, tagId: number, rule: unknown, now: Date): Promise<{ result: Applied; changes: Change[] }> => {
  const matches = () => matchQuery(trx, rule, { now });
  const removed = Number(await trx(TABLES.customerTags).where({ tag_id: tagId, source: 'rule' }).whereNotIn('customer_id', matches()).delete());
  const before = await trx(TABLES.customerTags).where('tag_id', tagId).count({ n: '*' }).first();
  await trx.into(insertColumns(trx)).insert(
    trx
      .from(matches().as('r'))
      .whereNotExists(trx(`${TABLES.customerTags} as x`).select(trx.raw('1')).where('x.tag_id', tagId).andWhere('x.customer_id', trx.ref('r.customer_id')))
      .select('r.customer_id', trx.raw('?', [tagId]), trx.raw('?', ['rule']), trx.raw('1'), trx.raw('?', [bindDate(trx, now)]), trx.raw('null'))
  );
  const after = await trx(TABLES.customerTags).where('tag_id', tagId).count({ n: '*' }).first();
  const matched = await trx.from(matches().as('r')).count({ n: '*' }).first();
  const result = { matched: Number(matched?.n ?? 0), added: Number(after?.n ?? 0) - Number(before?.n ?? 0), removed };
  return { result, changes: [{ tagId, customerIds: null, added: result.added, removed }] };
};

export type Diff = { matched: number; add: number[]; remove: number[] };

/**
 * Who of `customerIds` (a few hundred at most) gains or loses the tag, in one statement: the rule
 * restricted to them beside their current assignments of the tag.
 */
export const diffFor = async (knex: Knex, tagId: number, rule: unknown, customerIds: number[], now: Date): Promise<Diff> => {
  const matches = matchQuery(knex, rule, { now, customerIds }).select(knex.raw('1 as matched, 0 as held, 0 as by_rule'));
  const held = knex(TABLES.customerTags)
    .where('tag_id', tagId)
    .whereIn('customer_id', customerIds)
    .select('customer_id', knex.raw(`0 as matched, 1 as held, case when source = 'rule' then 1 else 0 end as by_rule`));
  const rows = await knex
    .select('u.customer_id')
    .max({ matched: 'u.matched', held: 'u.held', by_rule: 'u.by_rule' })
    .from(matches.unionAll(held).as('u'))
    .groupBy('u.customer_id');
  const diff: Diff = { matched: 0, add: [], remove: [] };
  for (const r of rows as Array<Record<string, unknown>>) {
    const id = Number(r.customer_id);
    const matched = Number(r.matched) === 1;
    if (matched) diff.matched += 1;
    if (matched && Number(r.held) !== 1) diff.add.push(id);
    if (!matched && Number(r.by_rule) === 1) diff.remove.push(id);
  }
  return diff;
};

/** Writes a diff (read again inside the transaction that writes it); the change names the customers, so automation sees tag.applied / tag.removed. */
export const applyDiff = async (trx: Knex.Transaction, tagId: number, diff: Diff, now: Date): Promise<{ result: Applied; changes: Change[] }> => {
  if (diff.add.length)
    await trx(TABLES.customerTags).insert(
      diff.add.map((customer_id) => ({ customer_id, tag_id: tagId, source: 'rule', confidence: 1, created_at: bindDate(trx, now), expires_at: null }))
    );
  const removed = diff.remove.length
    ? Number(await trx(TABLES.customerTags).where({ tag_id: tagId, source: 'rule' }).whereIn('customer_id', diff.remove).delete())
    : 0;
  const result = { matched: diff.matched, added: diff.add.length, removed };
  return {
    result,
    changes: [
      { tagId, customerIds: diff.add, added: diff.add.length, removed: 0 },
      { tagId, customerIds: diff.remove, added: 0, removed },
    ],
  };
};
