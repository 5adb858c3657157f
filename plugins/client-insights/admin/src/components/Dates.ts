import { useIntl } from 'react-intl';

/** The browser's time zone: reports count days in it. */
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const useDateTime = () => {
  const { formatDate } = useIntl();
  return (iso: string | null | undefined) => (iso ? formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' }) : '—');
};
