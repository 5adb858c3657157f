import * as React from 'react';
import { Button, Flex } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { useApiClient } from '../../api/useApi';
import type { Segment, SegmentResult } from '../../api/segments';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../hooks/useJob';
import { useT } from '../../utils/translate';

/** "Run now": queues a run (wait: false) and follows it as a job (progress, phase, cancel). */
export const RunNow = ({ segment, onDone }: { segment: Segment; onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const run = useJob<SegmentResult>({
    intervalMs: 500,
    onFinished: (result) => {
      if (result.status === 'cancelled') toggleNotification({ type: 'info', message: t('run.cancelled') });
      else if (result.status === 'failed') toggleNotification({ type: 'danger', message: t('run.failed', { error: result.error ?? '' }) });
      else toggleNotification({ type: 'success', message: t('run.done', { n: result.customerCount ?? 0 }) });
      onDone();
    },
  });

  const start = async () => {
    const res = await api.post<any>(`/segments/${segment.id}/execute`, { wait: false, snapshot: segment.type === 'static' });
    if (res.status && res.status >= 400) {
      toggleNotification({ type: 'danger', message: res.data?.error?.message ?? res.data?.errors?.[0]?.message ?? `HTTP ${res.status}` });
      return;
    }
    const result: SegmentResult | null = res.data?.data ?? null;
    if (!result) {
      toggleNotification({ type: 'info', message: t('run.alreadyRunning') });
      return;
    }
    run.follow(result, { status: `/segments/results/${result.executionId}`, cancel: `/segments/results/${result.executionId}/cancel` });
  };

  return (
    <Flex gap={3}>
      {run.active && run.job && <JobProgress job={run.job} onCancel={run.cancel} testId="ci-run-progress" />}
      <Button startIcon={<Play />} onClick={start} loading={run.active} data-testid="ci-run-now">
        {segment.type === 'static' ? t('run.snapshot') : t('run.now')}
      </Button>
    </Flex>
  );
};
