import * as React from 'react';
import { Button, Flex } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { useApiClient } from '../../api/useApi';
import { JobProgress } from '../../components/JobProgress';
import { useJob, type JobState } from '../../hooks/useJob';
import { useT } from '../../utils/translate';

/** A value-model recalculation job (server: core/jobs/tracker.ts). */
type ValuesJob = JobState & { id: number };

/** Starts a value-model recalculation and follows it as a job (progress, phase, cancel). */
export const Recalculate = ({ onDone }: { onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const job = useJob<ValuesJob>({
    onFinished: (done) => {
      if (done.status === 'cancelled') toggleNotification({ type: 'info', message: t('values.recalc.cancelled') });
      else if (done.status === 'failed') toggleNotification({ type: 'danger', message: t('values.recalc.failed', { error: done.error ?? '' }) });
      else toggleNotification({ type: 'success', message: t('values.recalc.done') });
      onDone();
    },
  });
  const start = async () => {
    const res = await api.post<any>('/values/calculate', {});
    if (res.status && res.status >= 400) {
      toggleNotification({ type: 'danger', message: res.data?.error?.message ?? `HTTP ${res.status}` });
      return;
    }
    const started: ValuesJob = res.data.data;
    job.follow(started, { status: `/values/calculate/${started.id}`, cancel: `/values/calculate/${started.id}/cancel` });
  };
  return (
    <Flex gap={3}>
      {job.active && job.job && <JobProgress job={job.job} onCancel={job.cancel} testId="ci-recalc-progress" />}
      <Button startIcon={<ArrowClockwise />} onClick={start} loading={job.active} data-testid="ci-recalculate">
        {t('values.recalc')}
      </Button>
    </Flex>
  );
};
