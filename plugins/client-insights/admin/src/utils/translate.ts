import { useIntl } from 'react-intl';
import { PLUGIN_ID } from '../../../shared/permissions';
import type { Labels } from '../../../shared/contracts/rules';
import en from '../translations/en.json';

export type MessageKey = keyof typeof en;

export const trad = (key: MessageKey) => `${PLUGIN_ID}.${key}`;

/** `t('key', values)`: the plugin's message in the admin's language, English as fallback. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return (key: MessageKey, values?: Record<string, string | number | Date | null | undefined>) =>
    formatMessage({ id: trad(key), defaultMessage: en[key] }, values as Record<string, string | number>);
};

/** Label of an enum value (`prefix.value`), or the raw value when there is no translation. */
export const useEnumLabel = () => {
  const intl = useIntl();
  return (prefix: string, value: string) => {
    const id = `${PLUGIN_ID}.${prefix}.${value}`;
    const fallback = (en as Record<string, string>)[`${prefix}.${value}`];
    return intl.messages[id] || fallback ? intl.formatMessage({ id, defaultMessage: fallback ?? value }) : value;
  };
};

export const prefixTranslations = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));

/** The label for the admin's language ('zh' is Traditional Chinese). */
export const label = (labels: Labels | undefined, locale: string, fallback = '') => {
  if (!labels) return fallback;
  if (locale === 'zh-Hans' || locale === 'zh') return labels[locale];
  return labels.en;
};
