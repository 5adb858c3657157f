import * as React from 'react';
import { Button, Flex, ProgressBar, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { segmentsApi, type Segment, type SegmentResult } from '../../../../shared/contracts/segments';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useT } from '../../utils/translate';

const FINISHED = ['success', 'partial', 'failed'];

/** "Run now": queues a run (wait: false) and polls its result for the progress bar. */
export const RunNow = ({ segment, onDone }: { segment: Segment; onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [run, setRun] = React.useState<SegmentResult | null>(null);
  const timer = React.useRef<ReturnType<typeof setTimeout>>();
  React.useEffect(() => () => clearTimeout(timer.current), []);

  const poll = async (executionId: string) => {
    let result: SegmentResult;
    try {
      ({ data: result } = await api.request(segmentsApi.result, { params: { id: executionId } }));
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      setRun(null);
      return;
    }
    setRun(result);
    if (FINISHED.includes(result.status)) {
      toggleNotification({
        type: result.status === 'failed' ? 'danger' : 'success',
        message: result.status === 'failed' ? t('run.failed', { error: result.error ?? '' }) : t('run.done', { n: result.customerCount ?? 0 }),
      });
      onDone();
      return;
    }
    timer.current = setTimeout(() => void poll(executionId), 500);
  };

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
    setRun(result);
    void poll(result.executionId);
  };

  const running = run && !FINISHED.includes(run.status);
  return (
    <Flex gap={3}>
      {running && (
        <Flex direction="column" alignItems="flex-start" gap={1} data-testid="ci-run-progress">
          <ProgressBar value={run.percent} size="M" aria-label={t('run.progress', { percent: Math.round(run.percent) })} />
          <Typography variant="pi" textColor="neutral600">
            {t('run.progress', { percent: Math.round(run.percent) })} · {t('run.phase', { phase: run.phase })}
          </Typography>
        </Flex>
      )}
      <Button startIcon={<Play />} onClick={start} loading={!!running} data-testid="ci-run-now">
        {segment.type === 'static' ? t('run.snapshot') : t('run.now')}
      </Button>
    </Flex>
  );
};
