import { useIntl } from 'react-intl';
import type { FieldDef } from '../../../../shared/contracts/rules';
import { useEnumLabel } from '../../utils/translate';
import { useBuilder } from './context';

/** Fields whose stored codes have labels of their own (`<prefix>.<code>` in the translations). */
const CODE_LABELS: Record<string, string> = { 'customer.language': 'language' };

/**
 * A literal of a condition as the user reads it: enum codes (stages, sources …), language codes
 * (zh-CN) and tag / segment keys by their labels, numbers and dates in the admin's locale.
 */
export const useValueText = () => {
  const intl = useIntl();
  const enumLabel = useEnumLabel();
  const { tags, segments } = useBuilder();
  return (value: string | number | null, field?: FieldDef, subject?: string): string => {
    if (value === null) return '∅';
    if (subject === 'tag') return tags.find((t) => t.slug === value)?.name ?? String(value);
    if (subject === 'segment') return segments.find((s) => s.key === value)?.name ?? String(value);
    if (typeof value === 'number') return intl.formatNumber(value);
    if (field?.type === 'enum') return enumLabel('enum', value);
    if (field?.type === 'datetime') return intl.formatDate(value, { dateStyle: 'medium' });
    if (field && CODE_LABELS[field.path]) return enumLabel(CODE_LABELS[field.path], value);
    return value;
  };
};
