/**
 * What every browser-test module shares: the users, the running app, the page and small helpers.
 * run.ts fills `e2e` once the app and the browser are up; step modules (automation.ts, reports.ts…)
 * register their steps through a function run.ts calls after its own, so the order stays fixed.
 */
import type { Browser, Page } from 'playwright-core';
import { adminCall } from './api';
import { screenshot } from './harness';
import type { Server } from './server';

export const ADMIN = { email: 'e2e-admin@client-insights.test', password: 'E2eAdmin12345!' };
export const SALES = { email: 'e2e-sales@client-insights.test', password: 'E2eSales12345!' };
export const MARKETING = { email: 'e2e-marketing@client-insights.test', password: 'E2eMarketing12345!' };
export const PLUGIN = '/admin/plugins/client-insights';

export const e2e = {
  server: undefined as unknown as Server,
  browser: undefined as unknown as Browser,
  page: undefined as unknown as Page,
  token: '',
  shots: [] as string[],
};

export const shot = async (p: Page, name: string) => e2e.shots.push(await screenshot(p, name));
export const api = (method: string, p: string, body?: unknown) => adminCall(e2e.server.url, e2e.token, method, p, body);

export const login = async (p: Page, who: { email: string; password: string }) => {
  await p.goto(`${e2e.server.url}/admin/auth/login`);
  await p.fill('input[name="email"]', who.email);
  await p.fill('input[name="password"]', who.password);
  await p.click('button[type="submit"]');
  await p.waitForURL((u) => !u.pathname.includes('/auth/'), { timeout: 60_000 });
  // First logins may show the guided tour; it is not what we test.
  const skip = p.getByRole('button', { name: /skip|跳过|略過|close/i }).first();
  if (await skip.isVisible({ timeout: 2000 }).catch(() => false)) await skip.click().catch(() => undefined);
};

/** Sets the signed-in user's admin language on their profile page (the plugin follows it). */
export const setAdminLanguage = async (p: Page, locale: 'en' | 'zh-Hans') => {
  await p.goto(`${e2e.server.url}/admin/me`);
  await p.getByRole('combobox', { name: /界面语言|介面語言|Interface language/i }).click();
  await p.getByRole('option', { name: locale === 'en' ? /^English/ : /简体/ }).click();
  // Save stays disabled when the language was already the chosen one: nothing to save then.
  const save = p.getByRole('button', { name: /^(保存|儲存|Save)$/ });
  if (await save.isEnabled()) {
    await save.click();
    await p.waitForTimeout(1000);
  }
};
