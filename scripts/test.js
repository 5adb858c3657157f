#!/usr/bin/env node
/**
 * npm test: unit tests, then the integration suites on SQLite, then on PostgreSQL and MariaDB
 * when they are reachable. REQUIRE_POSTGRES=1 / REQUIRE_MYSQL=1 turn "not reachable" into a failure.
 * Extra arguments go to jest (e.g. `npm test -- tests/foundation`).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

process.env.TZ = 'UTC';
const root = path.resolve(__dirname, '..');
const extra = process.argv.slice(2);

const reachable = async (client) => {
  const knex = require('knex')(
    client === 'postgres'
      ? {
          client: 'pg',
          connection: {
            host: process.env.TEST_PG_HOST ?? '127.0.0.1',
            port: Number(process.env.TEST_PG_PORT ?? 5432),
            user: process.env.TEST_PG_USER ?? 'postgres',
            password: process.env.TEST_PG_PASSWORD ?? '',
            database: 'postgres',
            connectionTimeoutMillis: 3000,
          },
        }
      : {
          client: 'mysql2',
          connection: {
            host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
            port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
            user: process.env.TEST_MYSQL_USER ?? 'root',
            password: process.env.TEST_MYSQL_PASSWORD ?? '',
            connectTimeout: 3000,
          },
        }
  );
  try {
    await knex.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await knex.destroy();
  }
};

const runJest = (label, project, env) => {
  const report = path.join(os.tmpdir(), `client-insights-jest-${process.pid}-${label}.json`);
  console.log(`\n=== ${label} ===`);
  const args = ['jest', ...extra, '--selectProjects', project, '--json', '--outputFile', report];
  // Two workers, each replaced once it holds over 1 GB after a file: every file boots Strapi, and a
  // worker that ran many of them grew to the 4 GB heap limit (seen with one worker on PostgreSQL).
  if (project === 'integration') args.push('--maxWorkers=2', '--workerIdleMemoryLimit=1GB');
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  let summary = { passed: 0, failed: 0, skipped: 0, ok: result.status === 0 };
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    summary = {
      passed: json.numPassedTests,
      failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
      skipped: json.numPendingTests,
      ok: result.status === 0,
    };
    fs.rmSync(report);
  } else {
    summary.failed = 1;
  }
  return { label, ...summary };
};

const main = async () => {
  const runs = [runJest('unit', 'unit', {})];
  runs.push(runJest('integration: sqlite', 'integration', { TEST_DB: 'sqlite' }));
  for (const [client, required] of [
    ['postgres', 'REQUIRE_POSTGRES'],
    ['mysql', 'REQUIRE_MYSQL'],
  ]) {
    if (await reachable(client)) runs.push(runJest(`integration: ${client}`, 'integration', { TEST_DB: client }));
    else if (process.env[required] === '1') {
      console.error(`\n${client} is not reachable and ${required}=1: failing instead of skipping.`);
      runs.push({ label: `integration: ${client}`, passed: 0, failed: 1, skipped: 0, ok: false });
    } else console.log(`\n=== integration: ${client} === not reachable, skipped (set ${required}=1 to require it)`);
  }
  console.log('\nSummary');
  for (const r of runs) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  const passed = runs.reduce((n, r) => n + r.passed, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(runs.every((r) => r.ok) ? 0 : 1);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
