import { useIntl } from 'react-intl';

/** Amounts the plugin sums (orders, metrics, values) are in the reporting currency. */
export const REPORTING_CURRENCY = 'CNY';

/** An amount with its currency and the admin's grouping, e.g. "CN¥90,000" / "¥90,000". */
export const useMoney = () => {
  const { formatNumber } = useIntl();
  return (amount: number, currency = REPORTING_CURRENCY) => formatNumber(amount, { style: 'currency', currency, maximumFractionDigits: 2 });
};
