import * as React from 'react';
import { Button, Flex, ProgressBar, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import type { JobState } from '../hooks/useJob';
import en from '../translations/en.json';
import { useT, type MessageKey } from '../utils/translate';

/** The translated name of a job's phase; a phase the admin has no words for reads "working", never the raw word. */
export const usePhaseLabel = () => {
  const t = useT();
  return (phase: string | null) => {
    const key = `job.phase.${phase}`;
    return t((key in en ? key : 'job.phase.working') as MessageKey);
  };
};

/**
 * Progress of a running job (useJob): bar, percentage and translated phase, and a cancel button
 * when `onCancel` is given. A refused cancel is shown as a notification.
 */
export const JobProgress = ({ job, onCancel, testId }: { job: JobState; onCancel?: () => Promise<string | null>; testId?: string }) => {
  const t = useT();
  const phaseLabel = usePhaseLabel();
  const { toggleNotification } = useNotification();
  const [asking, setAsking] = React.useState(false);
  const percent = Math.round(job.progress * 100);
  const cancel = async () => {
    if (!onCancel) return;
    setAsking(true);
    try {
      const refused = await onCancel();
      if (refused) toggleNotification({ type: 'warning', message: t('job.cancelFailed', { error: refused }) });
    } finally {
      setAsking(false);
    }
  };
  return (
    <Flex direction="column" alignItems="flex-start" gap={1} data-testid={testId} data-status={job.status} data-phase={job.phase ?? ''}>
      <ProgressBar value={percent} size="M" aria-label={t('run.progress', { percent })} />
      <Flex gap={2}>
        <Typography variant="pi" textColor="neutral600">
          {t('run.progress', { percent })} · {t('run.phase', { phase: phaseLabel(job.phase) })}
        </Typography>
        {onCancel && (
          <Button variant="tertiary" size="S" onClick={cancel} loading={asking} disabled={job.cancelRequested} data-testid="ci-job-cancel">
            {job.cancelRequested ? t('job.cancelling') : t('job.cancel')}
          </Button>
        )}
      </Flex>
    </Flex>
  );
};
