import * as React from 'react';
import { useNotification } from '@strapi/strapi/admin';
import { jobsApi, type Job } from '../../../../shared/contracts/jobs';
import { ruleRunSchema, tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { errorMessage, useApiClient } from '../../api/useApi';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../hooks/useJob';
import { useT } from '../../utils/translate';

/**
 * Runs a tag's auto rule as a job (the server answers 202 at once): `start(tag)`, then the
 * progress (with cancel) while it runs, and a notification with its counts when it ends.
 */
export const useRuleRun = (onDone: () => void) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [tag, setTag] = React.useState<Tag | null>(null);
  const job = useJob<Job>({
    onFinished: (done) => {
      const name = tag?.name ?? '';
      const counts = ruleRunSchema.safeParse(done.result);
      if (done.status === 'success' && counts.success) toggleNotification({ type: 'success', message: t('tags.ran', { name, ...counts.data }) });
      else if (done.status === 'cancelled') toggleNotification({ type: 'info', message: t('tags.runCancelled', { name }) });
      else toggleNotification({ type: 'danger', message: t('tags.runFailed', { name, error: done.error ?? done.status }) });
      onDone();
    },
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });
  const start = async (next: Tag) => {
    setTag(next);
    try {
      const { data } = await api.request(tagsApi.runRule, { params: { id: next.id }, body: {} });
      job.follow(data, { status: jobsApi.get, cancel: jobsApi.cancel, params: { jobId: data.id } });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  const progress = job.active && job.job ? <JobProgress job={job.job} onCancel={job.cancel} testId="ci-tag-rule-progress" /> : null;
  return { start, running: job.active ? (tag?.id ?? null) : null, progress };
};
