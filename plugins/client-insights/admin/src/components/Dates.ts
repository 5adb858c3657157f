import { useIntl } from 'react-intl';

export const useDateTime = () => {
  const { formatDate } = useIntl();
  return (iso: string | null | undefined) => (iso ? formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' }) : '—');
};
