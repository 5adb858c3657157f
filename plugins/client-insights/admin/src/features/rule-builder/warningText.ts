import { useIntl } from 'react-intl';
import type { RuleWarning, WarningCondition } from '../../../../shared/contracts/rules';
import { label, useEnumLabel, useT, type MessageKey } from '../../utils/translate';
import { useBuilder } from './context';
import { useValueText } from './valueText';

/**
 * The server's warnings worded in the admin's language from their `code` and `params`, with the
 * catalogue's field labels and translated values (never the English `message` or raw paths).
 */
export const useWarningText = () => {
  const t = useT();
  const { locale } = useIntl();
  const enumLabel = useEnumLabel();
  const valueText = useValueText();
  const { fieldByPath } = useBuilder();

  const subjectText = (c: WarningCondition) => {
    const field = c.path ? fieldByPath.get(c.path) : undefined;
    const windowed = (subject: string) =>
      c.days === null || c.days === undefined ? t('warning.window.all', { subject }) : t('warning.window.days', { subject, days: c.days });
    switch (c.subject) {
      case 'field':
        return label(field?.labels, locale, c.path);
      case 'days_since':
        return t('builder.subject.days_since', { field: label(field?.labels, locale, c.path) });
      case 'event_count':
        return windowed(`${t('builder.subject.event_count')}: ${enumLabel('event', c.eventType ?? '')}`);
      case 'order_count':
        return windowed(t('builder.subject.order_count'));
      case 'order_total':
        return windowed(t('builder.subject.order_total'));
      case 'tag':
        return t('builder.subject.tag');
      default:
        return t('builder.subject.segment');
    }
  };

  /** One condition as a short sentence: "Total spent less than 5,000". */
  const condition = (c: WarningCondition): string => {
    if (c.subject === 'group') {
      const text = t(c.op === 'or' ? 'warning.condition.or' : 'warning.condition.and', { n: c.size ?? 0 });
      return c.not ? t('warning.condition.not', { condition: text }) : text;
    }
    const field = c.path ? fieldByPath.get(c.path) : undefined;
    const values = c.values.map((v) => valueText(v, c.subject === 'field' ? field : undefined, c.subject));
    const subject = subjectText(c);
    const op = t(`op.${c.op}` as MessageKey);
    const text =
      c.op === 'between' || c.op === 'between_exclusive'
        ? t('warning.condition.between', { subject, op, low: values[0], high: values[1] })
        : t('warning.condition', { subject, op, value: values.length ? values.join(', ') : t('warning.value.empty') });
    return c.not ? t('warning.condition.not', { condition: text }) : text;
  };

  const params = (w: RuleWarning) => {
    const [a, b] = w.params.conditions ?? [];
    return { a: a ? condition(a) : '', b: b ? condition(b) : '', segment: w.params.segment?.name ?? '' };
  };

  return {
    condition,
    message: (w: RuleWarning) => t(`warning.message.${w.code}` as MessageKey, params(w)),
    suggestion: (w: RuleWarning) => t(`warning.fix.${w.code}` as MessageKey, params(w)),
  };
};

/** Segments with the same rule named one by one at most; the rest are counted (a rule shared by 50 segments is one fact, not 50 lines). */
const DUPLICATES_NAMED = 3;

/** The warnings to show, and how many more `duplicate` ones they stand for. */
export const shownWarnings = (warnings: RuleWarning[]) => {
  let duplicates = 0;
  const shown = warnings.filter((w) => w.code !== 'duplicate' || (duplicates += 1) <= DUPLICATES_NAMED);
  return { shown, moreDuplicates: Math.max(0, duplicates - DUPLICATES_NAMED) };
};
