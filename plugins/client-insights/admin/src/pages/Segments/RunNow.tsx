import { Button, Flex } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { segmentsApi, type Segment, type SegmentResult } from '../../../../shared/contracts/segments';
import { errorMessage, useApiClient } from '../../api/useApi';
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
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });

  const start = async () => {
    let result: SegmentResult | null;
    try {
      ({ data: result } = await api.request(segmentsApi.execute, { params: { id: segment.id }, body: { wait: false, snapshot: segment.type === 'static' } }));
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      return;
    }
    if (!result) {
      toggleNotification({ type: 'info', message: t('run.alreadyRunning') });
      return;
    }
    run.follow(result, { status: segmentsApi.result, cancel: segmentsApi.cancelRun, params: { id: result.executionId } });
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
