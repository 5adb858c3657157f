import * as React from 'react';
import { Button, Checkbox, Dialog, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ConfirmDialog, useNotification } from '@strapi/strapi/admin';
import { segmentHistoryApi, type HistoryEntry } from '../../../../shared/contracts/segment-history';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { usePermissions } from '../../hooks/usePermissions';
import { useEnumLabel, useT, type MessageKey } from '../../utils/translate';
import { RunCompare, RunMembers } from './RunMembership';
import { StatusBadge } from './SegmentBadges';
import { VersionDiffView } from './VersionDiff';

type Actor = { type: 'admin' | 'api' | 'system'; id: number | null; name: string | null };

const useActorText = () => {
  const t = useT();
  return (a: Actor) =>
    a.type === 'admin' ? (a.name ?? `#${a.id}`) : a.type === 'api' ? t('history.actor.api', { id: a.id ?? '—' }) : t('history.actor.system');
};

/**
 * A segment's history: its versions and runs in one timeline, newest first. A version opens its
 * diff with the one before and can be restored (with segments.update); a successful run lists its
 * members as they were, and two ticked runs are compared.
 */
export const SegmentHistory = ({ segmentId, latestVersionChanged }: { segmentId: number; latestVersionChanged: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const actorText = useActorText();
  const api = useApiClient();
  const { can } = usePermissions();
  const { toggleNotification } = useNotification();
  const history = usePaged(segmentHistoryApi.history, { params: { id: segmentId } }, 20);
  const [diff, setDiff] = React.useState<number | null>(null);
  const [members, setMembers] = React.useState<number | null>(null);
  const [ticked, setTicked] = React.useState<number[]>([]);
  const [comparing, setComparing] = React.useState(false);
  const [toRestore, setToRestore] = React.useState<number | null>(null);
  if (history.isLoading && !history.data) return <SectionLoading />;
  if (history.error || !history.data) return <SectionError error={history.error} onRetry={history.reload} />;
  const rows = history.data.data;
  if (rows.length === 0) return <SectionEmpty message={t('history.empty')} />;
  // The newest version (on the first page; a restore of the current state elsewhere is answered 409).
  const newest = Math.max(...rows.filter((e) => e.kind === 'version').map((e) => (e.kind === 'version' ? e.version.version : 0)), 0);

  const restore = async (version: number) => {
    try {
      const { data, meta } = await api.request(segmentHistoryApi.restore, { params: { id: segmentId, version }, body: {} });
      toggleNotification({
        type: data.warnings.length ? 'warning' : 'success',
        message: t(data.warnings.length ? 'history.restoredWarnings' : 'history.restored', {
          version: meta.version.version,
          from: version,
          n: data.warnings.length,
        }),
      });
      history.reload();
      latestVersionChanged();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  const tick = (runId: number, on: boolean) =>
    setTicked((list) => (on ? [...list.filter((r) => r !== runId), runId].slice(-2) : list.filter((r) => r !== runId)));

  const what = (e: HistoryEntry) =>
    e.kind === 'version'
      ? e.version.restoredFrom !== null
        ? t('history.restoredFrom', { version: e.version.version, from: e.version.restoredFrom })
        : t('history.version', { version: e.version.version })
      : t('history.run', { id: e.run.runId });
  const details = (e: HistoryEntry) => {
    if (e.kind === 'version') {
      if (e.version.changed.length === 0) return t(e.version.source === 'backfill' ? 'history.backfilled' : 'history.created');
      return e.version.changed.map((f) => t(`history.field.${f}` as MessageKey)).join(', ');
    }
    const r = e.run;
    return r.changes ? t('history.runCounts', { members: r.customerCount ?? 0, added: r.changes.added, removed: r.changes.removed }) : '';
  };

  return (
    <>
      <Flex justifyContent="flex-end" paddingBottom={3}>
        <Button variant="secondary" size="S" disabled={ticked.length !== 2} onClick={() => setComparing(true)} data-testid="ci-compare-runs">
          {t('history.compareRuns', { n: ticked.length })}
        </Button>
      </Flex>
      <Table colCount={6} rowCount={rows.length + 1} data-testid="ci-history">
        <Thead>
          <Tr>
            {(['history.when', 'history.what', 'history.who', 'history.how', 'history.details', 'history.actions'] as const).map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(c)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((e) => (
            <Tr key={`${e.kind}-${e.kind === 'version' ? e.version.version : e.run.runId}`} data-testid={`ci-history-${e.kind}`}>
              <Td>
                <Typography>{when(e.at)}</Typography>
              </Td>
              <Td>
                <Typography fontWeight="bold">{what(e)}</Typography>
              </Td>
              <Td>
                <Typography>{actorText(e.kind === 'version' ? e.version.actor : e.requestedBy)}</Typography>
              </Td>
              <Td>
                {e.kind === 'version' ? (
                  <Typography>{t(`history.source.${e.version.source}` as MessageKey)}</Typography>
                ) : (
                  <Flex gap={2}>
                    <Typography>{enumLabel('trigger', e.run.trigger)}</Typography>
                    <StatusBadge status={e.run.status} />
                  </Flex>
                )}
              </Td>
              <Td>
                <Typography>{details(e)}</Typography>
              </Td>
              <Td>
                {e.kind === 'version' ? (
                  <Flex gap={2}>
                    {e.version.version > 1 && (
                      <Button variant="tertiary" size="S" onClick={() => setDiff(e.version.version)} data-testid="ci-version-diff">
                        {t('history.viewChanges')}
                      </Button>
                    )}
                    {can['segments.update'] && !(history.page === 1 && e.version.version === newest) && (
                      <Button variant="secondary" size="S" onClick={() => setToRestore(e.version.version)} data-testid="ci-version-restore">
                        {t('history.restore')}
                      </Button>
                    )}
                  </Flex>
                ) : (
                  (e.run.status === 'success' || e.run.status === 'partial') && (
                    <Flex gap={2}>
                      <Button variant="tertiary" size="S" onClick={() => setMembers(e.run.runId)} data-testid="ci-run-members">
                        {t('history.members')}
                      </Button>
                      <Checkbox
                        checked={ticked.includes(e.run.runId)}
                        onCheckedChange={(c: boolean | 'indeterminate') => tick(e.run.runId, c === true)}
                        data-testid="ci-run-tick"
                      >
                        {t('history.tick')}
                      </Checkbox>
                    </Flex>
                  )
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Pager page={history.page} pageCount={history.data.meta.pagination.pageCount} total={history.data.meta.pagination.total} onPage={history.setPage} />
      {diff !== null && <VersionDiffView segmentId={segmentId} from={diff - 1} to={diff} onClose={() => setDiff(null)} />}
      {members !== null && <RunMembers segmentId={segmentId} runId={members} onClose={() => setMembers(null)} />}
      {comparing && ticked.length === 2 && <RunCompare segmentId={segmentId} runs={[ticked[0], ticked[1]]} onClose={() => setComparing(false)} />}
      <Dialog.Root open={toRestore !== null} onOpenChange={(o: boolean) => !o && setToRestore(null)}>
        <ConfirmDialog
          onConfirm={async () => {
            if (toRestore !== null) await restore(toRestore);
            setToRestore(null);
          }}
        >
          {toRestore !== null ? t('history.confirmRestore', { version: toRestore }) : ''}
        </ConfirmDialog>
      </Dialog.Root>
    </>
  );
};
