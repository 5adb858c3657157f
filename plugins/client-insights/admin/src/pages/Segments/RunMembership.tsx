import * as React from 'react';
import { Button, Flex, Modal, Tabs, Typography } from '@strapi/design-system';
import { segmentHistoryApi } from '../../../../shared/contracts/segment-history';
import { SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { useT } from '../../utils/translate';
import { MemberRows } from './MembersTable';

type Meta = { source: 'events' | 'snapshot'; complete: boolean };

/** Where a past membership was read from, and a warning when it is not whole. */
const SourceNote = ({ meta }: { meta: Meta }) => {
  const t = useT();
  return (
    <Typography variant="pi" textColor={meta.complete ? 'neutral600' : 'warning600'} data-testid="ci-membership-source">
      {t(meta.source === 'events' ? 'history.fromEvents' : 'history.fromSnapshot')}
      {!meta.complete && ` ${t('history.incomplete')}`}
    </Typography>
  );
};

const Frame = ({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) => {
  const t = useT();
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>{children}</Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.close')}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

/** The members right after a past run. */
export const RunMembers = ({ segmentId, runId, onClose }: { segmentId: number; runId: number; onClose: () => void }) => {
  const t = useT();
  const members = usePaged(segmentHistoryApi.runMembers, { params: { id: segmentId, run: runId } }, 20);
  return (
    <Frame title={t('history.runMembersTitle', { id: runId })} onClose={onClose}>
      {members.isLoading && !members.data && <SectionLoading />}
      {members.error && <SectionError error={members.error} onRetry={members.reload} />}
      {members.data && (
        <Flex direction="column" alignItems="stretch" gap={3}>
          <SourceNote meta={members.data.meta.membership} />
          <MemberRows body={members.data} page={members.page} onPage={members.setPage} emptyMessage={t('runs.noChange')} />
        </Flex>
      )}
    </Frame>
  );
};

const CompareList = ({ segmentId, from, to, change }: { segmentId: number; from: number; to: number; change: 'added' | 'removed' }) => {
  const t = useT();
  const page = usePaged(segmentHistoryApi.compareRuns, { params: { id: segmentId }, query: { from: String(from), to: String(to), change } }, 20);
  if (page.isLoading && !page.data) return <SectionLoading />;
  if (page.error || !page.data) return <SectionError error={page.error} onRetry={page.reload} />;
  const { counts } = page.data.meta;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} paddingTop={3}>
      <Typography data-testid="ci-compare-counts">{t('history.compareCounts', counts)}</Typography>
      <SourceNote meta={{ source: page.data.meta.to.source, complete: page.data.meta.from.complete && page.data.meta.to.complete }} />
      <MemberRows body={page.data} page={page.page} onPage={page.setPage} emptyMessage={t('runs.noChange')} />
    </Flex>
  );
};

/** Two runs compared: member counts, and who entered or left from the older to the newer. */
export const RunCompare = ({ segmentId, runs, onClose }: { segmentId: number; runs: [number, number]; onClose: () => void }) => {
  const t = useT();
  const [from, to] = [Math.min(...runs), Math.max(...runs)];
  return (
    <Frame title={t('history.compareTitle', { from, to })} onClose={onClose}>
      <Tabs.Root defaultValue="added">
        <Tabs.List aria-label={t('runs.changes')}>
          {(['added', 'removed'] as const).map((c) => (
            <Tabs.Trigger key={c} value={c}>
              {t(`runs.${c}`)}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {(['added', 'removed'] as const).map((c) => (
          <Tabs.Content key={c} value={c}>
            <CompareList segmentId={segmentId} from={from} to={to} change={c} />
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </Frame>
  );
};
