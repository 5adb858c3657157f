/** Design-system controls driven the way a user does (keyboard, the account's language), shared by the step modules. */
import type { Locator, Page } from 'playwright-core';
import { e2e } from './context';

/** Chooses an option of a design-system select from the keyboard only (Enter, arrows, Enter). */
export const chooseWithKeyboard = async (p: Page, trigger: string, optionText: RegExp) => {
  await p.focus(trigger);
  await p.keyboard.press('Enter');
  // The open list moves focus to its highlighted option.
  await p.waitForFunction(() => document.activeElement?.getAttribute('role') === 'option');
  const count = await p.getByRole('option').count();
  for (let i = 0; i <= count; i += 1) {
    const current = await p.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
    if (optionText.test(current)) {
      await p.keyboard.press('Enter');
      await p.getByRole('option').first().waitFor({ state: 'detached' });
      return;
    }
    await p.keyboard.press('ArrowDown');
    await p
      .waitForFunction((prev) => (document.activeElement as HTMLElement | null)?.innerText?.trim() !== prev, current, { timeout: 2000 })
      .catch(() => undefined);
  }
  throw new Error(`no option ${optionText} reachable from the keyboard`);
};

/**
 * Picks a named thing in the admin's searchable picker (components/EntityPicker.tsx) from the
 * keyboard only: types its name, arrows down to the first match, Enter. Checks the picker then
 * shows that name (not an id).
 */
export const chooseByName = async (p: Page, picker: Locator, name: string) => {
  await picker.focus();
  await p.keyboard.type(name);
  await p
    .getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`) })
    .first()
    .waitFor();
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('Enter');
  await p.getByRole('option').first().waitFor({ state: 'detached' });
  const shown = await picker.inputValue();
  // A campaign shows its channel after its name ("Spring fair · sms").
  if (shown !== name && !shown.startsWith(`${name} · `)) throw new Error(`the picker shows "${shown}" after choosing "${name}"`);
};

/** The signed-in user's interface language, set on their profile page as a user does. */
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
