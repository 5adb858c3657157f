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
const { stripVTControlCharacters } = require('util');

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

/** Failed tests of a jest JSON report: file, name and the first lines of the message (CI shows only part of the log). */
const failuresOf = (json) => {
  const strip = (text) => stripVTControlCharacters(String(text ?? ''));
  const head = (text) =>
    strip(text)
      .split('\n')
      .filter((l) => l.trim() && !/^\s*at /.test(l))
      .slice(0, 6)
      .join('\n      ');
  const out = [];
  for (const file of json.testResults ?? []) {
    const rel = path.relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) out.push({ file: rel, name: a.fullName, message: head((a.failureMessages ?? []).join('\n')) });
    if (!failed.length && file.status === 'failed') out.push({ file: rel, name: '(the file did not run)', message: head(file.message) });
  }
  return out;
};

const runJest = (label, project, env, files = []) => {
  const report = path.join(os.tmpdir(), `client-insights-jest-${process.pid}-${label.replace(/\W+/g, '-')}.json`);
  console.log(`\n=== ${label} ===`);
  const args = ['jest', ...extra, ...files, '--selectProjects', project, '--json', '--outputFile', report];
  // A path given on the command line may match no file of this project.
  if (extra.length) args.push('--passWithNoTests');
  // Two workers, each replaced once it holds over 1 GB after a file: every file boots Strapi, and a
  // worker that ran many of them grew to the 4 GB heap limit (seen with one worker on PostgreSQL).
  if (project === 'integration') args.push('--maxWorkers=2', '--workerIdleMemoryLimit=1GB');
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  let summary = { passed: 0, failed: 1, skipped: 0, failures: [{ file: '-', name: 'jest wrote no report', message: '' }] };
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    summary = {
      passed: json.numPassedTests,
      failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
      skipped: json.numPendingTests,
      failures: failuresOf(json),
    };
    fs.rmSync(report);
  }
  return { label, project, env, ...summary, ok: result.status === 0, retried: [] };
};

/**
 * Integration files that failed are run once more, on their own. A file that passes then is
 * reported as intermittent, with its first failure, rather than failing the run: these suites boot
 * Strapi against real servers on a shared 2-core machine, where a timing-dependent failure of one
 * test in ~1,500 has cost whole CI runs. A file that fails twice fails the run.
 */
const retryFailed = (run) => {
  const files = [...new Set(run.failures.map((f) => f.file))].filter((f) => f !== '-');
  if (run.ok || run.project !== 'integration' || !files.length || files.length > 3) return run;
  const again = runJest(`${run.label} (failed files again)`, run.project, run.env, files);
  if (!again.ok) return { ...run, failures: [...run.failures, ...again.failures.map((f) => ({ ...f, name: `${f.name} (again)` }))] };
  return { ...run, ok: true, failed: 0, passed: run.passed + run.failed, retried: run.failures, failures: [] };
};

const main = async () => {
  const runs = [runJest('unit', 'unit', {})];
  runs.push(retryFailed(runJest('integration: sqlite', 'integration', { TEST_DB: 'sqlite' })));
  for (const [client, required] of [
    ['postgres', 'REQUIRE_POSTGRES'],
    ['mysql', 'REQUIRE_MYSQL'],
  ]) {
    if (await reachable(client)) runs.push(retryFailed(runJest(`integration: ${client}`, 'integration', { TEST_DB: client })));
    else if (process.env[required] === '1') {
      console.error(`\n${client} is not reachable and ${required}=1: failing instead of skipping.`);
      runs.push({ label: `integration: ${client}`, passed: 0, failed: 1, skipped: 0, ok: false });
    } else console.log(`\n=== integration: ${client} === not reachable, skipped (set ${required}=1 to require it)`);
  }
  console.log('\nSummary');
  for (const r of runs) {
    console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    for (const f of r.failures ?? []) console.log(`    failed: ${f.file} › ${f.name}\n      ${f.message}`);
    for (const f of r.retried ?? []) console.log(`    intermittent (failed, then passed alone): ${f.file} › ${f.name}\n      ${f.message}`);
  }
  const passed = runs.reduce((n, r) => n + r.passed, 0);
  const failed = runs.reduce((n, r) => n + r.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(runs.every((r) => r.ok) ? 0 : 1);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
