/**
 * A rule as readable sentences, in the admin's language, with the builder's own labels (the
 * catalogue's field labels, the enum and interaction-type labels). Pure: whatever shows a saved
 * rule (segment detail, tags …) calls this with the words of its locale (`useRuleWords`).
 * Reads the rule through the builder's model (fromRule), so it describes exactly what the
 * builder would show; a rule the builder cannot show answers null (show its JSON instead).
 */
import type { Catalogue, Labels } from '../../../../shared/contracts/rules';
import { fromRule, UnsupportedRule, type Condition, type Group, type Node, type Subject } from './model';

export type RuleWords = {
  locale: string;
  /** A plugin message by key (without the plugin prefix), or undefined when the catalogue has none. */
  message: (key: string, values?: Record<string, string | number>) => string | undefined;
  fields: Catalogue['fields'];
  /** A tag's display name by slug, a segment's by key (undefined: unknown, the code is shown). */
  tagName: (slug: string) => string | undefined;
  segmentName: (key: string) => string | undefined;
};

/** One line: a condition's sentence, or a group's heading with its lines below. */
export type Sentence = { text: string; children?: Sentence[] };

const labelIn = (labels: Labels, locale: string) => (locale === 'zh-Hans' || locale === 'zh' ? labels[locale] : labels.en);

const isoDate = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

export const describeRule = (rule: unknown, words: RuleWords): Sentence[] | null => {
  let root: Node;
  try {
    root = fromRule(rule);
  } catch (error) {
    if (error instanceof UnsupportedRule) return null;
    throw error;
  }
  const say = (key: string, values?: Record<string, string | number>) => words.message(key, values) ?? key;
  const numberFormat = new Intl.NumberFormat(words.locale);
  const dateFormat = new Intl.DateTimeFormat(words.locale, { dateStyle: 'medium', timeZone: 'UTC' });

  const value = (v: unknown, path?: string): string => {
    if (v === null || v === undefined || v === '') return say('describe.empty');
    if (typeof v === 'number') return numberFormat.format(v);
    if (typeof v === 'boolean') return say(v ? 'describe.yes' : 'describe.no');
    if (Array.isArray(v)) return v.map((x) => value(x, path)).join(say('describe.listSeparator'));
    const text = String(v);
    const field = path ? words.fields.find((f) => f.path === path) : undefined;
    if (field?.type === 'enum') return words.message(`enum.${text}`) ?? text;
    if (field?.type === 'datetime' && isoDate.test(text) && !Number.isNaN(Date.parse(text))) return dateFormat.format(new Date(text));
    return say('describe.quoted', { text });
  };

  const fieldLabel = (path: string) => {
    const field = words.fields.find((f) => f.path === path);
    return field ? labelIn(field.labels, words.locale) : path;
  };
  const window = (days: number | null) => (days === null ? say('describe.window.all') : say('describe.window.days', { days: numberFormat.format(days) }));

  const subject = (s: Subject): string => {
    switch (s.kind) {
      case 'field':
        return fieldLabel(s.path);
      case 'days_since':
        return say('builder.subject.days_since', { field: fieldLabel(s.path) });
      case 'event_count':
        return say('describe.subject.event_count', { event: words.message(`event.${s.eventType}`) ?? s.eventType, window: window(s.days) });
      case 'order_count':
      case 'order_total':
        return say(`describe.subject.${s.kind}`, { window: window(s.days) });
      default:
        return '';
    }
  };

  const condition = (c: Condition): string => {
    const path = c.subject.kind === 'field' ? c.subject.path : undefined;
    const pair = Array.isArray(c.value) ? c.value : [null, null];
    let text: string;
    switch (c.op) {
      case 'has_tag':
        text = say('describe.has_tag', { tag: words.tagName(String(c.value)) ?? String(c.value) });
        break;
      case 'in_segment':
        text = say('describe.in_segment', { segment: words.segmentName(String(c.value)) ?? String(c.value) });
        break;
      case 'within_days':
      case 'before_days':
        text = say(`describe.op.${c.op}`, { subject: subject(c.subject), days: value(c.value) });
        break;
      case 'between':
      case 'between_exclusive':
        text = say(`describe.op.${c.op}`, { subject: subject(c.subject), low: value(pair[0], path), high: value(pair[1], path) });
        break;
      default:
        text = say(`describe.op.${c.op}`, { subject: subject(c.subject), value: value(c.value, path) });
    }
    return c.not ? say('describe.not', { condition: text }) : text;
  };

  const group = (g: Group): Sentence => {
    const heading = g.not ? (g.op === 'and' ? 'describe.notAll' : 'describe.none') : g.op === 'and' ? 'describe.all' : 'describe.any';
    return { text: say(heading), children: g.children.map(node) };
  };
  const node = (n: Node): Sentence => (n.type === 'group' ? group(n) : { text: condition(n) });

  // A plain AND at the top reads as its lines; anything else as one sentence or heading.
  if (root.type === 'group' && root.op === 'and' && !root.not) return root.children.map(node);
  return [node(root)];
};

/** The sentences as plain text, one line each, indented by depth (for titles, tests and copy). */
export const sentencesText = (sentences: Sentence[], depth = 0): string =>
  sentences.map((s) => `${'  '.repeat(depth)}${s.text}${s.children ? `\n${sentencesText(s.children, depth + 1)}` : ''}`).join('\n');
