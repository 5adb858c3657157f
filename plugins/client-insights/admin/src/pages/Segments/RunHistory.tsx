import * as React from 'react';
import { Button, Flex, Modal, Table, Tabs, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { segmentsApi, type SegmentResult } from '../../../../shared/contracts/segments';
import { CsvButton } from '../../components/CsvButton';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { usePermissions } from '../../hooks/usePermissions';
import { useEnumLabel, useT } from '../../utils/translate';
import { MembersTable } from './MembersTable';
import { StatusBadge } from './SegmentBadges';

const CHANGES = ['added', 'removed', 'kept'] as const;

/** Added / removed / kept customers of one run, each exportable. */
const ChangeReport = ({ run, onClose }: { run: SegmentResult; onClose: () => void }) => {
  const t = useT();
  const { can } = usePermissions();
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('runs.report', { id: run.runId })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Tabs.Root defaultValue="added">
            <Tabs.List aria-label={t('runs.changes')}>
              {CHANGES.map((c) => (
                <Tabs.Trigger key={c} value={c}>
                  {t(`runs.${c}`)} ({run.changes?.[c] ?? 0})
                </Tabs.Trigger>
              ))}
            </Tabs.List>
            {CHANGES.map((c) => (
              <Tabs.Content key={c} value={c}>
                <Flex direction="column" alignItems="stretch" gap={3} paddingTop={3}>
                  {can.export && <CsvButton request={{ source: 'segmentResult', result: run.executionId, change: c }} filename={`run-${run.runId}-${c}.csv`} />}
                  <MembersTable of={{ executionId: run.executionId, change: c }} emptyMessage={t('runs.noChange')} />
                </Flex>
              </Tabs.Content>
            ))}
          </Tabs.Root>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.close')}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

/** The runs of a segment, newest first, with a drill-down into each change report. */
export const RunHistory = ({ segmentId }: { segmentId: number }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const runs = usePaged(segmentsApi.results, { query: { segment: String(segmentId) } }, 10);
  const [open, setOpen] = React.useState<SegmentResult | null>(null);
  if (runs.isLoading && !runs.data) return <SectionLoading />;
  if (runs.error || !runs.data) return <SectionError error={runs.error} onRetry={runs.reload} />;
  const rows = runs.data.data;
  if (rows.length === 0) return <SectionEmpty message={t('runs.empty')} />;
  const cols = ['started', 'trigger', 'status', 'duration', 'members', 'added', 'removed', 'kept', 'open'] as const;
  return (
    <>
      <Table colCount={cols.length} rowCount={rows.length + 1} data-testid="ci-run-history">
        <Thead>
          <Tr>
            {cols.map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(`runs.${c}`)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((r) => (
            <Tr key={r.executionId} data-testid="ci-run-row" data-status={r.status}>
              <Td>
                <Typography>{when(r.executedAt ?? r.createdAt)}</Typography>
              </Td>
              <Td>
                <Typography>{enumLabel('trigger', r.trigger)}</Typography>
              </Td>
              <Td>
                <StatusBadge status={r.status} />
                {r.error && (
                  <Typography variant="pi" textColor="danger600" tag="div">
                    {r.error}
                  </Typography>
                )}
              </Td>
              <Td>
                <Typography>{r.executionTime === null ? '—' : t('runs.ms', { ms: Math.round(r.executionTime) })}</Typography>
              </Td>
              <Td>
                <Typography>{r.customerCount?.toLocaleString() ?? '—'}</Typography>
              </Td>
              {CHANGES.map((c) => (
                <Td key={c}>
                  <Typography textColor={c === 'added' ? 'success600' : c === 'removed' ? 'danger600' : 'neutral800'}>
                    {r.changes ? r.changes[c].toLocaleString() : '—'}
                  </Typography>
                </Td>
              ))}
              <Td>
                {r.changes && (
                  <Button variant="tertiary" size="S" onClick={() => setOpen(r)}>
                    {t('runs.open')}
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Pager page={runs.page} pageCount={runs.data.meta.pagination.pageCount} total={runs.data.meta.pagination.total} onPage={runs.setPage} />
      {open && <ChangeReport run={open} onClose={() => setOpen(null)} />}
    </>
  );
};
