import fs from 'fs';
import path from 'path';
import migrations from '.';

describe('migration list', () => {
  it('names every migration file once, by its id, with ids unique', () => {
    const files = fs
      .readdirSync(__dirname)
      .filter((f) => /^\d{3}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    const ids = migrations.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(files.sort());
  });

  it('keeps the order databases applied them in (ids are history: append, never reorder)', () => {
    expect(migrations.map((m) => m.id).slice(0, 19)).toEqual([
      '001-customer-tags',
      '002-customer-metrics',
      '003-customer-scores',
      '004-segment-membership',
      '005-rule-indexes',
      '301-segment-runs',
      '101-metrics-dirty',
      '201-value-models',
      '202-jobs',
      '302-segment-runs-primary-pending',
      '303-segment-runs-node',
      '110-rule-covering-indexes',
      '120-customer-activity',
      '130-segment-pending',
      '140-activity-probe-indexes',
      '203-value-history-by-run',
      '204-one-job-model',
      '304-segment-key-unique',
      '006-status-attributes-renamed',
    ]);
  });

  it('imports nothing outside migrations/ but knex and the dialect primitives (frozen SQL)', () => {
    for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const imports = [...fs.readFileSync(path.join(__dirname, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const source of imports) expect([file, source]).toEqual([file, expect.stringMatching(/^(knex|\.\/[\w-]+|\.\.\/dialect\/(schema|planner))$/)]);
    }
  });
});
