import { spawnSync } from 'child_process';
import { ROOT } from './strapi';

/**
 * Once per integration run: builds the template database the test files' databases are copied
 * from (template.ts) and hands it to the workers through TEST_TEMPLATE. TEST_TEMPLATE=off skips
 * it, so every file builds its schema from nothing as before.
 */
export default async () => {
  if (process.env.TEST_TEMPLATE === 'off') {
    delete process.env.TEST_TEMPLATE;
    return;
  }
  const started = Date.now();
  const run = spawnSync(process.execPath, ['scripts/run-ts.js', 'tests/helpers/build-template.ts'], { cwd: ROOT, env: process.env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`building the template database failed:\n${run.stdout}\n${run.stderr}`);
  process.env.TEST_TEMPLATE = run.stdout.trim().split('\n').pop();
  console.log(`\ntemplate database built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${process.env.TEST_TEMPLATE}`);
};
