import fs from 'fs';
import path from 'path';
import type { DbClient } from '../helpers/databases';
import type { RecordedStatement } from './plugin-schema';

/** The release whose databases the current code must upgrade (generate-release-fixture.ts records it). */
export const RELEASE = '664c603';
export const FIXTURE = path.join(__dirname, `release-${RELEASE}.json`);

/** Per database: the release's migration ids in the order it applied them, and its statements. */
export type ReleaseFixture = Record<DbClient, { migrations: string[]; statements: RecordedStatement[] }>;

export const readReleaseFixture = (): Partial<ReleaseFixture> => (fs.existsSync(FIXTURE) ? JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) : {});
