import { useIntl } from 'react-intl';

/** The browser's time zone: reports count days in it. */
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * A moment as the admin's locale writes it, in the browser's time zone, or in `timeZone` (a
 * customer's), which is then named after it (Intl refuses timeZoneName beside dateStyle).
 */
export const useDateTime = (timeZone?: string | null) => {
  const { formatDate } = useIntl();
  return (iso: string | null | undefined) => {
    if (!iso) return '—';
    const text = formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
    return timeZone ? `${text} (${timeZone})` : text;
  };
};
