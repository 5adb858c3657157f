import * as React from 'react';
import { Button, Flex, Modal, Textarea, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useAuth, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { exportFileSchema, exportsApi, type ExportRequest } from '../../../shared/contracts/exports';
import { jobsApi, type Job } from '../../../shared/contracts/jobs';
import { LOCALES } from '../../../shared/labels';
import { downloadCsv, toApiError } from '../api/client';
import { errorMessage, useApiClient } from '../api/useApi';
import { useJob } from '../hooks/useJob';
import { saveFile } from '../utils/save-file';
import { useT } from '../utils/translate';
import { ExportChooser, type ExportChoice } from './ExportChooser';
import { JobProgress } from './JobProgress';

/**
 * Exports as a job (exports/ on the server): the file is written in the background while the
 * button shows its progress (with cancel), then downloaded. It is written in the admin's language
 * and the browser's time zone (labels, codes, dates). A refusal shows the server's message. An
 * export that needs approval (contact data, many rows) asks for a reason and sends the request to
 * an approver; the button then says so (the file is downloaded from the Approvals page later).
 * "Export…" opens the dialog choosing the format (CSV or Excel) and the fields in order.
 */
export const CsvButton = ({ request, filename, label }: { request: ExportRequest; filename: string; label?: string }) => {
  const t = useT();
  const api = useApiClient();
  const token = useAuth('CsvButton', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const { locale } = useIntl();
  const [asking, setAsking] = React.useState(false);
  /** The server's words on why this export needs approval, while the reason dialog is open. */
  const [needs, setNeeds] = React.useState<string | null>(null);
  const [reason, setReason] = React.useState('');
  const [requested, setRequested] = React.useState(false);
  const [choosing, setChoosing] = React.useState(false);
  /** The format and fields of the export under way (none: the fixed-column CSV). */
  const [choice, setChoice] = React.useState<ExportChoice | null>(null);
  const savedAs = (format: string | undefined) => (format === 'xlsx' ? filename.replace(/\.csv$/, '') + '.xlsx' : filename);
  const job = useJob<Job>({
    intervalMs: 500,
    onFinished: async (done) => {
      if (done.status === 'cancelled') return toggleNotification({ type: 'info', message: t('export.cancelled') });
      if (done.status !== 'success') return toggleNotification({ type: 'danger', message: t('export.failed', { error: done.error ?? done.status }) });
      try {
        const file = exportFileSchema.parse(done.result);
        const name = savedAs(file.format);
        saveFile(await downloadCsv(exportsApi.file, { params: { jobId: done.id } }, token, window.strapi?.backendURL ?? ''), name);
        const split = (file.sheets ?? 1) > 1;
        toggleNotification({
          type: 'success',
          message: split
            ? t('export.sheets', { filename: name, rows: file.rows, sheets: file.sheets, perSheet: file.rowsPerSheet })
            : t('export.ready', { filename: name, rows: file.rows }),
        });
      } catch (e) {
        toggleNotification({ type: 'danger', message: errorMessage(e) });
      }
    },
    onRefused: (error) => toggleNotification({ type: 'danger', message: error.message }),
  });
  const start = async (why?: string, chosen: ExportChoice | null = choice) => {
    setAsking(true);
    setChoice(chosen);
    try {
      // Languages the exports have (en, zh-Hans, zh); another admin language falls back to Accept-Language.
      const query = {
        locale: (LOCALES as readonly string[]).includes(locale) ? (locale as (typeof LOCALES)[number]) : undefined,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      };
      const body = { ...request, ...(chosen ?? {}), ...(why ? { reason: why } : {}) };
      const answer = await api.request(exportsApi.start, { query, body });
      if ('meta' in answer) {
        setNeeds(null);
        setRequested(true);
        toggleNotification({ type: 'info', message: t('export.approvalRequested') });
      } else job.follow(answer.data, { status: jobsApi.get, cancel: jobsApi.cancel, params: { jobId: answer.data.id } });
    } catch (e) {
      const refusal = toApiError(e);
      const needsReason = refusal.at('/reason');
      if (needsReason) setNeeds(needsReason);
      else toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setAsking(false);
    }
  };
  return (
    <Flex gap={2}>
      {job.active && job.job && <JobProgress job={job.job} onCancel={job.cancel} testId="ci-export-progress" />}
      {requested && (
        <Typography variant="pi" textColor="neutral600" data-testid="ci-export-approval-requested">
          {t('export.approvalRequestedShort')}
        </Typography>
      )}
      <Button variant="secondary" startIcon={<Download />} onClick={() => start(undefined, null)} loading={asking || job.active} data-testid="ci-export-csv">
        {label ?? t('action.exportCsv')}
      </Button>
      <Button variant="tertiary" onClick={() => setChoosing(true)} disabled={asking || job.active} data-testid="ci-export-choose">
        {t('export.choose.open')}
      </Button>
      {choosing && (
        <ExportChooser
          source={request.source}
          open={choosing}
          onClose={() => setChoosing(false)}
          onExport={(chosen) => {
            setChoosing(false);
            void start(undefined, chosen);
          }}
        />
      )}
      <Modal.Root open={needs !== null} onOpenChange={(open: boolean) => !open && setNeeds(null)}>
        <Modal.Content>
          <Modal.Header>
            <Modal.Title>{t('export.approvalNeeded')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Typography>{needs}</Typography>
              <Textarea
                aria-label={t('export.reason')}
                placeholder={t('export.reason')}
                value={reason}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setReason(e.target.value)}
                data-testid="ci-export-reason"
              />
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('action.cancel')}</Button>
            </Modal.Close>
            <Button onClick={() => start(reason.trim())} loading={asking} disabled={!reason.trim()} data-testid="ci-export-request-approval">
              {t('export.requestApproval')}
            </Button>
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
    </Flex>
  );
};

declare global {
  interface Window {
    strapi?: { backendURL?: string };
  }
}
