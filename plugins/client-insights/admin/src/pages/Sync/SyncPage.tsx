import * as React from 'react';
import { Badge, Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { jobsApi, type Job } from '../../../../shared/contracts/jobs';
import { syncApi, type SyncDestination, type SyncMode } from '../../../../shared/contracts/sync';
import { errorMessage, useApi, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { JobProgress } from '../../components/JobProgress';
import { SectionError, SectionLoading } from '../../components/States';
import { useJob } from '../../hooks/useJob';
import { useT } from '../../utils/translate';
import { DestinationForm } from './DestinationForm';
import { RunHistory } from './RunHistory';

/**
 * Sync (`sync.manage`): the destinations (warehouse, webhook, file drop) with their schedules, a
 * form to add one, "run now" (incremental or a full reload) with the job's progress, and each
 * destination's run history with its counts and errors.
 */
export const SyncPage = () => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const list = useApi(syncApi.list, {});
  const formatDateTime = useDateTime();
  const [adding, setAdding] = React.useState(false);
  const [selected, setSelected] = React.useState<number | null>(null);
  const [historyTick, setHistoryTick] = React.useState(0);
  const job = useJob<Job>({
    onFinished: (done) => {
      toggleNotification({
        type: done.status === 'success' ? 'success' : 'danger',
        message: done.status === 'success' ? t('sync.ran') : t('sync.runFailed', { error: done.error ?? done.status }),
      });
      setHistoryTick((n) => n + 1);
    },
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });

  const run = async (d: SyncDestination, mode: SyncMode) => {
    setSelected(d.id);
    try {
      const { data } = await api.request(syncApi.run, { params: { id: d.id }, body: { mode } });
      job.follow(data, { status: jobsApi.get, cancel: jobsApi.cancel, params: { jobId: data.id } });
      setHistoryTick((n) => n + 1);
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  const remove = async (d: SyncDestination) => {
    if (!window.confirm(t('sync.confirmRemove', { name: d.name }))) return;
    try {
      await api.request(syncApi.remove, { params: { id: d.id } });
      if (selected === d.id) setSelected(null);
      list.reload();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };

  return (
    <Page.Main>
      <Page.Title>{t('nav.sync')}</Page.Title>
      <Layouts.Header
        title={t('nav.sync')}
        subtitle={t('sync.subtitle')}
        primaryAction={
          <Button onClick={() => setAdding((a) => !a)} data-testid="ci-sync-add">
            {adding ? t('action.cancel') : t('sync.add')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {adding && (
            <DestinationForm
              onCreated={() => {
                setAdding(false);
                list.reload();
              }}
            />
          )}
          {job.active && job.job && <JobProgress job={job.job} onCancel={job.cancel} testId="ci-sync-progress" />}
          {list.isLoading && <SectionLoading />}
          {list.error && <SectionError error={list.error} onRetry={list.reload} />}
          {list.data && list.data.length === 0 && (
            <Box padding={6} background="neutral0" hasRadius>
              <Typography textColor="neutral600">{t('sync.empty')}</Typography>
            </Box>
          )}
          {list.data && list.data.length > 0 && (
            <Table colCount={5} rowCount={list.data.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('sync.name')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('sync.type')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('sync.schedule')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('sync.updated')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('sync.actions')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {list.data.map((d) => (
                  <Tr key={d.id} data-testid={`ci-sync-destination-${d.id}`}>
                    <Td>
                      <Typography fontWeight={selected === d.id ? 'bold' : undefined}>{d.name}</Typography>
                    </Td>
                    <Td>
                      <Badge>{t(`sync.type.${d.type}`)}</Badge>
                    </Td>
                    <Td>
                      <Typography>{d.enabled ? `${d.cron} (${d.timezone})` : t('sync.disabled')}</Typography>
                    </Td>
                    <Td>
                      <Typography>{formatDateTime(d.updatedAt)}</Typography>
                    </Td>
                    <Td>
                      <Flex gap={2}>
                        <Button size="S" disabled={job.active} onClick={() => void run(d, 'incremental')}>
                          {t('sync.runNow')}
                        </Button>
                        <Button size="S" variant="secondary" disabled={job.active} onClick={() => void run(d, 'full')}>
                          {t('sync.fullReload')}
                        </Button>
                        <Button size="S" variant="tertiary" onClick={() => setSelected(d.id)}>
                          {t('sync.history')}
                        </Button>
                        <Button size="S" variant="danger-light" onClick={() => void remove(d)}>
                          {t('sync.remove')}
                        </Button>
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          {selected !== null && <RunHistory destinationId={selected} tick={historyTick} />}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
