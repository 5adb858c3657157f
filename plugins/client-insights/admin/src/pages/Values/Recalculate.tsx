import * as React from 'react';
import { Button, Flex, ProgressBar, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { valuesApi, type Job } from '../../../../shared/contracts/values';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useT } from '../../utils/translate';

/** Starts a value-model recalculation and follows its progress. */
export const Recalculate = ({ onDone }: { onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [job, setJob] = React.useState<Job | null>(null);
  const timer = React.useRef<ReturnType<typeof setTimeout>>();
  React.useEffect(() => () => clearTimeout(timer.current), []);
  const poll = async (id: number) => {
    let next: Job;
    try {
      ({ data: next } = await api.request(valuesApi.calculationStatus, { params: { jobId: id } }));
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      setJob(null);
      return;
    }
    setJob(next);
    if (next.status === 'succeeded' || next.status === 'failed') {
      toggleNotification({ type: next.status === 'failed' ? 'danger' : 'success', message: next.status === 'failed' ? t('values.recalc.failed', { error: next.error ?? '' }) : t('values.recalc.done') });
      onDone();
      return;
    }
    timer.current = setTimeout(() => void poll(id), 1000);
  };
  const start = async () => {
    let started: Job;
    try {
      ({ data: started } = await api.request(valuesApi.calculate, { body: {} }));
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      return;
    }
    setJob(started);
    void poll(started.id);
  };
  const running = job && (job.status === 'queued' || job.status === 'running');
  return (
    <Flex gap={3}>
      {running && (
        <Flex direction="column" alignItems="flex-start" gap={1} data-testid="ci-recalc-progress">
          <ProgressBar value={Math.round(job.progress * 100)} aria-label={t('run.progress', { percent: Math.round(job.progress * 100) })} />
          <Typography variant="pi" textColor="neutral600">
            {t('run.progress', { percent: Math.round(job.progress * 100) })}
            {job.step ? ` · ${job.step}` : ''}
          </Typography>
        </Flex>
      )}
      <Button startIcon={<ArrowClockwise />} onClick={start} loading={!!running} data-testid="ci-recalculate">
        {t('values.recalc')}
      </Button>
    </Flex>
  );
};
