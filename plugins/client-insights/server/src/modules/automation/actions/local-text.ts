import type { LocalizedText } from '../../../../../shared/contracts/automation-definition';
import type { ActionContext } from './types';

/**
 * The few words the HTTP channels, tasks and notifications render: the text in the reader's
 * language (falling back to en) with `{{name}}` (the customer's name), `{{rule}}` and the trigger's
 * data (`{{amount}}`, `{{event}}` …) filled in. Unknown variables stay as written. The full
 * template engine (per-locale templates, previews) is the email channel's; this is deliberately
 * a plain replacement of known scalar values.
 */
export const inLocale = (text: LocalizedText, locale: keyof LocalizedText): string => text[locale] ?? text.en;

export const variablesOf = (ctx: Pick<ActionContext, 'customer' | 'rule' | 'trigger'>): Record<string, string> => {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.trigger.data ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') vars[key] = String(value);
  }
  if (ctx.trigger.event) vars.event = ctx.trigger.event;
  vars.name = ctx.customer.name;
  vars.rule = ctx.rule.name;
  return vars;
};

export const fillVariables = (text: string, vars: Record<string, string>): string =>
  text.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, key: string) => (Object.prototype.hasOwnProperty.call(vars, key) ? vars[key] : whole));

/** The customer's text for this action: their language, their variables. */
export const renderFor = (
  ctx: Pick<ActionContext, 'customer' | 'rule' | 'trigger'>,
  text: LocalizedText,
  locale: keyof LocalizedText = ctx.customer.locale
): string => fillVariables(inLocale(text, locale), variablesOf(ctx));

/** An admin user's language for texts written to them (tasks, notifications): their admin language, else en. */
export const adminLocale = (preferedLanguage: unknown): keyof LocalizedText => {
  const lang = typeof preferedLanguage === 'string' ? preferedLanguage : '';
  if (lang === 'zh-Hans' || lang === 'zh-CN') return 'zh-Hans';
  if (lang === 'zh' || lang.startsWith('zh-')) return 'zh';
  return 'en';
};
