import { Button, Flex } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { valuesApi, type Job } from '../../../../shared/contracts/values';
import { errorMessage, useApiClient } from '../../api/useApi';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../hooks/useJob';
import { useT } from '../../utils/translate';

/** Starts a value-model recalculation and follows it as a job (progress, phase, cancel). */
export const Recalculate = ({ onDone }: { onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const job = useJob<Job>({
    onFinished: (done) => {
      if (done.status === 'cancelled') toggleNotification({ type: 'info', message: t('values.recalc.cancelled') });
      else if (done.status === 'failed') toggleNotification({ type: 'danger', message: t('values.recalc.failed', { error: done.error ?? '' }) });
      else toggleNotification({ type: 'success', message: t('values.recalc.done') });
      onDone();
    },
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });
  const start = async () => {
    let started: Job;
    try {
      ({ data: started } = await api.request(valuesApi.calculate, { body: {} }));
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      return;
    }
    job.follow(started, { status: valuesApi.calculationStatus, cancel: valuesApi.cancelCalculation, params: { jobId: started.id } });
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
