#!/usr/bin/env node
/** Runs a TypeScript script (seed, benchmarks, maintenance) in UTC with esbuild-register. */
process.env.TZ = 'UTC';
require('esbuild-register/dist/node').register({ target: 'node20' });
const path = require('path');
const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/run-ts.js <script.ts> [args]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(script), ...rest];
require(path.resolve(script));
