import type { Knex } from 'knex';
import type { Action, LocalizedText } from '../../../../../shared/contracts/automation-definition';
import type { FieldError } from '../../../../../shared/errors';
import { readDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import type { ActionCustomer } from './types';
// The rule catalogue names the fields a template may use (the same names as in rules).
import { FIELDS } from '../../rules/catalogue';

/**
 * Message templates: text with `{{variable}}` placeholders, written per locale (en always, zh-Hans
 * and zh optional, each falling back to en). The variables are the customer's name, stage and
 * owner, their metrics and value scores, the trigger's data and the unsubscribe link; a template
 * naming any other is refused when the rule is saved (validateTemplates), so a typo never reaches
 * a customer as an empty gap.
 */

/** The rollup's metrics and the value scores a template may name: the rule language's `metrics.*` and `score.*` fields, same names. */
const namesUnder = (prefix: string) => FIELDS.filter((f) => f.path.startsWith(`${prefix}.`)).map((f) => f.path.slice(prefix.length + 1));
const METRICS = namesUnder('metrics');
const SCORES = namesUnder('score');
export const TEMPLATE_VARIABLES = ['name', 'stage', 'owner.name', 'unsubscribe_url', ...METRICS.map((m) => `metrics.${m}`), ...SCORES.map((s) => `score.${s}`)];
const KNOWN = new Set(TEMPLATE_VARIABLES);
/** `trigger.<key>`: a property of the event that fired (its keys depend on the event, so any name is allowed). */
const TRIGGER_VARIABLE = /^trigger\.[A-Za-z0-9_]{1,64}$/;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isKnown = (name: string) => KNOWN.has(name) || TRIGGER_VARIABLE.test(name);

/** The localised template fields of each action type (also the SMS, push, task and notify texts). */
const TEMPLATE_FIELDS = ['subject', 'body', 'text', 'title', 'message'] as const;

/**
 * The placeholders of `action`'s templates that name no variable, as errors with a JSON pointer
 * relative to the action (`/subject/zh-Hans`); the automation API prefixes the step's path.
 */
export const validateTemplates = (action: Action): FieldError[] => {
  const errors: FieldError[] = [];
  for (const field of TEMPLATE_FIELDS) {
    const text = (action as Record<string, unknown>)[field] as LocalizedText | undefined;
    if (!text || typeof text !== 'object') continue;
    for (const [locale, template] of Object.entries(text)) {
      if (typeof template !== 'string') continue;
      for (const match of template.matchAll(PLACEHOLDER)) {
        if (!isKnown(match[1]))
          errors.push({
            path: `/${field}/${locale}`,
            message: `unknown variable {{${match[1]}}}; use one of ${TEMPLATE_VARIABLES.slice(0, 4).join(', ')}, metrics.*, score.*, trigger.*`,
          });
      }
    }
  }
  return errors;
};

export type TemplateValues = Record<string, string>;

const show = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** A decimal column as a number (PostgreSQL answers `1234.50` as text); words (a quadrant) as they are. */
const numeric = (raw: unknown) => (typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);

/** The variables `templates` name. */
const namedIn = (templates: string[]) => new Set(templates.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1])));

/**
 * The values of the variables `templates` name for `customer`: the rollup's row and the scores,
 * and the owner's name, are read only when named (a send's cost is mostly its queries), plus the
 * trigger's data and the unsubscribe link.
 */
export const templateValues = async (
  knex: Knex,
  customer: ActionCustomer,
  templates: string[],
  ownerName: () => Promise<string | null>,
  trigger: Record<string, unknown>,
  unsubscribeUrl: string
): Promise<TemplateValues> => {
  const named = [...namedIn(templates)];
  const uses = (prefix: string) => named.some((n) => n.startsWith(prefix));
  const [metrics, scores, owner] = await Promise.all([
    uses('metrics.') ? knex(TABLES.metrics).where({ customer_id: customer.id }).first() : null,
    uses('score.') ? knex(TABLES.scores).where({ customer_id: customer.id }).first() : null,
    named.includes('owner.name') ? ownerName() : null,
  ]);
  const values: TemplateValues = { name: customer.name, stage: customer.stage ?? '', 'owner.name': owner ?? '', unsubscribe_url: unsubscribeUrl };
  for (const m of METRICS) values[`metrics.${m}`] = m.endsWith('_at') ? show(readDate(metrics?.[m])) : show(numeric(metrics?.[m]));
  for (const s of SCORES) values[`score.${s}`] = show(numeric(scores?.[s]));
  for (const [key, value] of Object.entries(trigger)) if (/^[A-Za-z0-9_]{1,64}$/.test(key)) values[`trigger.${key}`] = show(value);
  return values;
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Fills the placeholders; `escape` applies to the values (HTML), never to the template around them. A variable with no value renders empty. */
export const fill = (template: string, values: TemplateValues, escape: (s: string) => string = (s) => s) =>
  template.replace(PLACEHOLDER, (_, name: string) => escape(values[name] ?? ''));

/** The template for the customer's locale, falling back to en. */
export const inLocale = (text: LocalizedText, locale: ActionCustomer['locale']) => text[locale] ?? text.en;
