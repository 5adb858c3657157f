import fs from 'fs';
import path from 'path';
import type { Knex } from 'knex';
import { STATUS_RENAMES } from '../../plugins/client-insights/server/src/core/db/migrations/status-renames';
import type { DbClient } from '../helpers/databases';
import type { RecordedStatement } from './plugin-schema';

/** The release whose databases the current code must upgrade (generate-release-fixture.ts records it). */
export const RELEASE = '664c603';
export const FIXTURE = path.join(__dirname, `release-${RELEASE}.json`);

/** Per database: the release's migration ids in the order it applied them, and its statements. */
export type ReleaseFixture = Record<DbClient, { migrations: string[]; statements: RecordedStatement[] }>;

export const readReleaseFixture = (): Partial<ReleaseFixture> => (fs.existsSync(FIXTURE) ? JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) : {});

/**
 * Strapi's tables as that release had them: today's types name their `status` attributes
 * differently (status-renames.ts), so today's app creates those columns under the new names.
 * The release's migrations index and read the old ones.
 */
export const releaseHostColumns = async (knex: Knex): Promise<void> => {
  for (const { table, to } of STATUS_RENAMES) {
    if ((await knex.schema.hasColumn(table, to)) && !(await knex.schema.hasColumn(table, 'status'))) {
      await knex.schema.alterTable(table, (t) => t.renameColumn(to, 'status'));
    }
  }
};
