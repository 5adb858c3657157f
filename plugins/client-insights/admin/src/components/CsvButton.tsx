import * as React from 'react';
import { Button, Flex } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useAuth, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { exportFileSchema, exportsApi, type ExportRequest } from '../../../shared/contracts/exports';
import { jobsApi, type Job } from '../../../shared/contracts/jobs';
import { LOCALES } from '../../../shared/labels';
import { downloadCsv } from '../api/client';
import { errorMessage, useApiClient } from '../api/useApi';
import { useJob } from '../hooks/useJob';
import { useT } from '../utils/translate';
import { JobProgress } from './JobProgress';

/** Saves a downloaded file under `filename`. */
const save = (blob: Blob, filename: string) => {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
};

/**
 * Exports as a job (exports/ on the server): the file is written in the background while the
 * button shows its progress (with cancel), then downloaded. It is written in the admin's language
 * and the browser's time zone (labels, codes, dates). A refusal shows the server's message.
 */
export const CsvButton = ({ request, filename, label }: { request: ExportRequest; filename: string; label?: string }) => {
  const t = useT();
  const api = useApiClient();
  const token = useAuth('CsvButton', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const { locale } = useIntl();
  const [asking, setAsking] = React.useState(false);
  const job = useJob<Job>({
    intervalMs: 500,
    onFinished: async (done) => {
      if (done.status === 'cancelled') return toggleNotification({ type: 'info', message: t('export.cancelled') });
      if (done.status !== 'success') return toggleNotification({ type: 'danger', message: t('export.failed', { error: done.error ?? done.status }) });
      try {
        const file = exportFileSchema.parse(done.result);
        save(await downloadCsv(exportsApi.file, { params: { jobId: done.id } }, token, window.strapi?.backendURL ?? ''), filename);
        toggleNotification({ type: 'success', message: t('export.ready', { filename, rows: file.rows }) });
      } catch (e) {
        toggleNotification({ type: 'danger', message: errorMessage(e) });
      }
    },
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });
  const start = async () => {
    setAsking(true);
    try {
      // Languages the exports have (en, zh-Hans, zh); another admin language falls back to Accept-Language.
      const query = {
        locale: (LOCALES as readonly string[]).includes(locale) ? (locale as (typeof LOCALES)[number]) : undefined,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      };
      const { data } = await api.request(exportsApi.start, { query, body: request });
      job.follow(data, { status: jobsApi.get, cancel: jobsApi.cancel, params: { jobId: data.id } });
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setAsking(false);
    }
  };
  return (
    <Flex gap={2}>
      {job.active && job.job && <JobProgress job={job.job} onCancel={job.cancel} testId="ci-export-progress" />}
      <Button variant="secondary" startIcon={<Download />} onClick={start} loading={asking || job.active} data-testid="ci-export-csv">
        {label ?? t('action.exportCsv')}
      </Button>
    </Flex>
  );
};

declare global {
  interface Window {
    strapi?: { backendURL?: string };
  }
}
