import { pluginPath } from '../../utils/paths';
import * as React from 'react';
import { Button, Flex, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Trash } from '@strapi/icons';
import { ConfirmDialog, useNotification } from '@strapi/strapi/admin';
import { Dialog } from '@strapi/design-system';
import { Link, useNavigate } from 'react-router-dom';
import { segmentsApi, type Segment } from '../../../../shared/contracts/segments';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';
import { StatusBadge, useOwnerLabel } from './SegmentBadges';

export const SegmentList = () => {
  const t = useT();
  const navigate = useNavigate();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const { can } = usePermissions();
  const when = useDateTime();
  const owner = useOwnerLabel();
  const list = usePaged(segmentsApi.list, {});
  const [toDelete, setToDelete] = React.useState<Segment | null>(null);
  if (list.isLoading && !list.data) return <SectionLoading />;
  if (list.error || !list.data) return <SectionError error={list.error} onRetry={list.reload} />;
  const rows = list.data.data;
  if (rows.length === 0)
    return (
      <SectionEmpty
        message={t('segments.empty')}
        action={can['segments.create'] ? <Button onClick={() => navigate(pluginPath('builder'))}>{t('segments.new')}</Button> : undefined}
      />
    );
  const remove = async (segment: Segment) => {
    try {
      await api.request(segmentsApi.remove, { params: { id: segment.id } });
      toggleNotification({ type: 'success', message: t('segments.deleted', { name: segment.name }) });
      list.reload();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  const columns = ['name', 'type', 'members', 'lastRun', 'status', 'owner', 'visibility', 'actions'] as const;
  return (
    <>
      <Table colCount={columns.length} rowCount={rows.length + 1} data-testid="ci-segment-list">
        <Thead>
          <Tr>
            {columns.map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(`segments.col.${c}` as any)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((s) => (
            <Tr key={s.id} data-testid={`ci-segment-row-${s.key}`}>
              <Td>
                <Link to={pluginPath(`segments/${s.id}`)}>
                  <Typography fontWeight="bold" textColor="primary600">
                    {s.name}
                  </Typography>
                </Link>
                <Typography variant="pi" textColor="neutral500" tag="div">
                  {s.key}
                </Typography>
              </Td>
              <Td>
                <Typography>{t(`segment.type.${s.type}`)}</Typography>
              </Td>
              <Td>
                <Typography>{s.memberCount.toLocaleString()}</Typography>
              </Td>
              <Td>
                <Typography>{when(s.lastCalculatedAt)}</Typography>
              </Td>
              <Td>
                <StatusBadge status={s.status} />
              </Td>
              <Td>
                <Typography>{owner(s.ownerId)}</Typography>
              </Td>
              <Td>
                <Typography>{t(`visibility.${s.visibility}`)}</Typography>
              </Td>
              <Td>
                <Flex gap={1}>
                  {can['segments.update'] && (
                    <IconButton label={t('segments.edit', { name: s.name })} variant="ghost" onClick={() => navigate(pluginPath(`builder/${s.id}`))}>
                      <Pencil />
                    </IconButton>
                  )}
                  {can['segments.delete'] && (
                    <IconButton label={t('segments.delete', { name: s.name })} variant="ghost" onClick={() => setToDelete(s)} data-testid="ci-delete-segment">
                      <Trash />
                    </IconButton>
                  )}
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Pager page={list.page} pageCount={list.data.meta.pagination.pageCount} total={list.data.meta.pagination.total} onPage={list.setPage} />
      <Dialog.Root open={!!toDelete} onOpenChange={(o: boolean) => !o && setToDelete(null)}>
        <ConfirmDialog
          onConfirm={async () => {
            if (toDelete) await remove(toDelete);
            setToDelete(null);
          }}
        >
          {toDelete ? t('segments.confirmDelete', { name: toDelete.name }) : ''}
        </ConfirmDialog>
      </Dialog.Root>
    </>
  );
};
