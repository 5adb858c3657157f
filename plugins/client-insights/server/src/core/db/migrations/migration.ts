import type { Knex } from 'knex';

/**
 * One schema change, applied once per database and recorded by `id` in ci_migrations. Once
 * released, a migration is frozen: it names its tables literally and runs only knex and the SQL
 * written here, so editing live code never changes what an old migration does. A change to the
 * schema is a new migration, appended to the list in index.ts.
 */
export type Migration = { id: string; up: (knex: Knex) => Promise<void> };

/** Same column type Strapi uses for its datetime attributes, so comparisons need no casts. */
export const datetime = (t: Knex.CreateTableBuilder, name: string) => t.datetime(name, { useTz: false, precision: 6 });
