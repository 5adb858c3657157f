import * as React from 'react';
import { Badge, Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { syncApi } from '../../../../shared/contracts/sync';
import { useApi } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

const HEADERS: MessageKey[] = [
  'sync.run.started',
  'sync.run.mode',
  'sync.run.status',
  'sync.run.batches',
  'sync.run.sent',
  'sync.run.deleted',
  'sync.run.rejected',
  'sync.run.attempts',
  'sync.run.error',
];

/** A destination's runs, newest first: counts, how often each was started (resumed), and why rows were refused or the run stopped. */
export const RunHistory = ({ destinationId, tick }: { destinationId: number; tick: number }) => {
  const t = useT();
  const formatDateTime = useDateTime();
  const runs = useApi(syncApi.runs, { params: { id: destinationId } });
  const { reload } = runs;
  // A run started or finished on the page: read the history again.
  React.useEffect(() => {
    if (tick > 0) reload();
  }, [tick, reload]);
  if (runs.isLoading && !runs.data) return <SectionLoading />;
  if (runs.error) return <SectionError error={runs.error} onRetry={runs.reload} />;
  if (!runs.data?.length) return <Typography textColor="neutral600">{t('sync.noRuns')}</Typography>;
  return (
    <Box data-testid="ci-sync-runs">
      <Typography variant="delta" tag="h2">
        {t('sync.history')}
      </Typography>
      <Table colCount={HEADERS.length} rowCount={runs.data.length + 1}>
        <Thead>
          <Tr>
            {HEADERS.map((h) => (
              <Th key={h}>
                <Typography variant="sigma">{t(h)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {runs.data.map((run) => (
            <Tr key={run.id}>
              <Td>
                <Typography>{formatDateTime(run.startedAt)}</Typography>
              </Td>
              <Td>
                <Typography>{t(`sync.mode.${run.mode}`)}</Typography>
              </Td>
              <Td>
                <Badge>{t(`sync.status.${run.status}`)}</Badge>
              </Td>
              <Td>{run.batches}</Td>
              <Td>{run.sent}</Td>
              <Td>{run.deleted}</Td>
              <Td>{run.rejected}</Td>
              <Td>{run.attempts}</Td>
              <Td>
                <Typography textColor="danger600">
                  {[run.error, ...run.rejections.slice(0, 3).map((r) => `${r.kind} ${r.key}: ${r.reason}`)].filter(Boolean).join(' · ')}
                </Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </Box>
  );
};
