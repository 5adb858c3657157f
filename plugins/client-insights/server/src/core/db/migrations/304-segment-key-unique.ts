import { makeCaseSensitive } from '../dialect/schema';
import type { Migration } from './migration';

/** Strapi's `uid` column is a varchar(255). */
const KEY_LENGTH = 255;

/**
 * A segment's key is unique in the database, not only checked before the insert: two concurrent
 * creates could both pass the check and store the same key.
 *
 * Keys stored twice before this (rows of the `segments` table, Strapi's Segment type) are made
 * unique first, deterministically: the segment with the lowest id keeps its key, each later one
 * becomes `<key>-<id>` (repeated until free). Rules that name such a key with in_segment meant
 * the union of those segments; they now mean the first one. Keys compare case-sensitively on
 * every database (in_segment does): on MySQL/MariaDB the column first gets a binary collation, so
 * the renaming frees exactly what the index refuses. The plain index of 005 stays (its name is part of the schema tests check).
 */
const migration: Migration = {
  id: '304-segment-key-unique',
  async up(knex) {
    await makeCaseSensitive(knex, 'segments', 'key');
    const duplicated: string[] = (await knex('segments').whereNotNull('key').groupBy('key').havingRaw('count(*) > 1').select('key')).map(
      (r: { key: string }) => r.key
    );
    duplicated.sort();
    for (const key of duplicated) {
      const ids = (await knex('segments').where('key', key).orderBy('id').select('id')).map((r: { id: number }) => Number(r.id));
      for (const id of ids.slice(1)) {
        const suffix = `-${id}`;
        let renamed = key;
        do renamed = `${renamed.slice(0, KEY_LENGTH - suffix.length)}${suffix}`;
        while (await knex('segments').where('key', renamed).first('id'));
        await knex('segments').where('id', id).update({ key: renamed });
      }
    }
    await knex.schema.alterTable('segments', (t) => t.unique(['key'], { indexName: 'ci_segments_key_uq', useConstraint: false }));
  },
};

export default migration;
