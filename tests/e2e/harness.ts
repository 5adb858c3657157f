import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { ROOT } from './server';

export const RESULTS = path.join(ROOT, 'test-results');

type Test = { name: string; fn: () => Promise<void> };
const tests: Test[] = [];

/** Register a step; steps run in order and later ones may rely on earlier ones. */
export const test = (name: string, fn: () => Promise<void>) => tests.push({ name, fn });

export const screenshot = async (page: Page, name: string) => {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return path.relative(ROOT, file);
};

/** E2E_ONLY=word,word runs only the steps whose name contains one of the words (and always the login). */
const selected = () => {
  const only = (process.env.E2E_ONLY ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return only.length ? tests.filter((t, i) => i === 0 || only.some((w) => t.name.includes(w))) : tests;
};

export const runAll = async (onFailure: (name: string) => Promise<void>) => {
  let failed = 0;
  const chosen = selected();
  for (const t of chosen) {
    const started = Date.now();
    try {
      await t.fn();
      console.log(`  ✓ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed += 1;
      console.log(`  ✗ ${t.name}\n    ${(error as Error).stack?.split('\n').slice(0, 6).join('\n    ')}`);
      await onFailure(t.name).catch(() => undefined);
    }
  }
  console.log(`\n${chosen.length - failed} passed, ${failed} failed`);
  return failed;
};

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
