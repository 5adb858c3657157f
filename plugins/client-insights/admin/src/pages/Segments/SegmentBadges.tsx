import { Badge } from '@strapi/design-system';
import { useAuth } from '@strapi/strapi/admin';
import { useT } from '../../utils/translate';
import type { Segment } from '../../../../shared/contracts/segments';
import type { JobStatus } from '../../../../shared/enums';

const STATUS_COLOR: Record<string, [string, string]> = {
  active: ['success100', 'success700'],
  inactive: ['neutral150', 'neutral700'],
  draft: ['warning100', 'warning700'],
  success: ['success100', 'success700'],
  partial: ['warning100', 'warning700'],
  failed: ['danger100', 'danger700'],
  running: ['primary100', 'primary700'],
  queued: ['neutral150', 'neutral700'],
  cancelled: ['neutral150', 'neutral700'],
};

export const StatusBadge = ({ status }: { status: Segment['status'] | JobStatus }) => {
  const t = useT();
  const [bg, fg] = STATUS_COLOR[status] ?? ['neutral150', 'neutral700'];
  return (
    <Badge backgroundColor={bg} textColor={fg}>
      {t(`status.${status}` as any)}
    </Badge>
  );
};

/** "You" for the current user, otherwise the admin user id. */
export const useOwnerLabel = () => {
  const t = useT();
  const me = useAuth('OwnerLabel', (s: any) => s.user?.id);
  return (ownerId: number | null) => (ownerId === null ? '—' : ownerId === me ? t('segments.owner.you') : t('segments.owner.user', { id: ownerId }));
};
