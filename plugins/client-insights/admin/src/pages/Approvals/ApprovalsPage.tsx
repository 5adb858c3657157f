import * as React from 'react';
import { Badge, Button, Flex, Modal, SingleSelect, SingleSelectOption, Table, Tbody, Td, Textarea, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useAuth, useNotification } from '@strapi/strapi/admin';
import { approvalsApi, type Approval } from '../../../../shared/contracts/approvals';
import { exportFileSchema, exportsApi } from '../../../../shared/contracts/exports';
import { jobsApi } from '../../../../shared/contracts/jobs';
import { APPROVAL_STATUSES, type ApprovalStatus } from '../../../../shared/enums';
import { APPROVE_ACTIONS } from '../../../../shared/permissions';
import { downloadCsv, toApiError, type ApiError } from '../../api/client';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { RefusalMessages } from '../../components/Refusal';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { usePermissions } from '../../hooks/usePermissions';
import { saveFile } from '../../utils/save-file';
import { useT } from '../../utils/translate';

type Decision = { approval: Approval; verdict: 'approve' | 'reject' };

/** What the approved work would do, in a line: rows, and the sensitive fields it carries. */
const Preview = ({ approval }: { approval: Approval }) => {
  const t = useT();
  const { preview } = approval;
  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="omega">{t('approvals.preview.rows', { rows: preview.rows ?? '—' })}</Typography>
      {preview.sensitiveFields.length > 0 && (
        <Typography variant="pi" textColor="danger600">
          {t('approvals.preview.sensitive', { fields: preview.sensitiveFields.join(', ') })}
        </Typography>
      )}
      {preview.rowLimit !== null && (
        <Typography variant="pi" textColor="neutral600">
          {t('approvals.preview.overLimit', { limit: preview.rowLimit })}
        </Typography>
      )}
    </Flex>
  );
};

/**
 * Maker-checker approvals: pending requests (and, by status, the decided ones) the user may see —
 * their own, and those of the kinds they approve. Approvers approve or reject with a comment (never
 * their own requests: the server refuses it too); requesters cancel theirs and download an
 * approved export's file.
 */
export const ApprovalsPage = () => {
  const t = useT();
  const when = useDateTime();
  const api = useApiClient();
  const { can } = usePermissions();
  const me = useAuth('ApprovalsPage', (s: any) => s.user?.id) as number | undefined;
  const token = useAuth('ApprovalsPage', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const [status, setStatus] = React.useState<ApprovalStatus | ''>('pending');
  const list = usePaged(approvalsApi.list, { query: status ? { status } : {} }, 20);
  const [decision, setDecision] = React.useState<Decision | null>(null);
  const [comment, setComment] = React.useState('');
  const [error, setError] = React.useState<ApiError | null>(null);
  const [busy, setBusy] = React.useState(false);

  const decide = async () => {
    if (!decision) return;
    setBusy(true);
    setError(null);
    try {
      const params = { id: decision.approval.id };
      const text = comment.trim();
      if (decision.verdict === 'approve') await api.request(approvalsApi.approve, { params, body: text ? { comment: text } : {} });
      else await api.request(approvalsApi.reject, { params, body: { comment: text } });
      toggleNotification({ type: 'success', message: t(decision.verdict === 'approve' ? 'approvals.approved' : 'approvals.rejected') });
      setDecision(null);
      list.reload();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const cancel = async (approval: Approval) => {
    try {
      await api.request(approvalsApi.cancel, { params: { id: approval.id }, body: {} });
      list.reload();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  const download = async (approval: Approval) => {
    try {
      // The job knows the file's name and format (an .xlsx must not be saved as .csv).
      const job = await api.request(jobsApi.get, { params: { jobId: approval.jobId! } });
      const file = exportFileSchema.safeParse(job.data.result);
      const blob = await downloadCsv(exportsApi.file, { params: { jobId: approval.jobId! } }, token, window.strapi?.backendURL ?? '');
      saveFile(blob, file.success ? file.data.filename : `export-${approval.jobId}.csv`);
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };

  let body: React.ReactNode;
  if (list.isLoading && !list.data) body = <SectionLoading />;
  else if (list.error || !list.data) body = <SectionError error={list.error} onRetry={list.reload} />;
  else if (list.data.data.length === 0) body = <SectionEmpty message={t('approvals.empty')} />;
  else
    body = (
      <>
        <Table colCount={6} rowCount={list.data.data.length + 1} data-testid="ci-approvals-table">
          <Thead>
            <Tr>
              {(['approvals.requested', 'approvals.requester', 'approvals.reason', 'approvals.preview', 'approvals.status', 'approvals.actions'] as const).map(
                (k) => (
                  <Th key={k}>
                    <Typography variant="sigma">{t(k)}</Typography>
                  </Th>
                )
              )}
            </Tr>
          </Thead>
          <Tbody>
            {list.data.data.map((a) => {
              const mine = a.requestedBy === me;
              const pending = a.status === 'pending';
              return (
                <Tr key={a.id} data-testid="ci-approval-row">
                  <Td>
                    <Typography display="block">{when(a.createdAt)}</Typography>
                    <Typography variant="pi" textColor="neutral600" display="block">
                      {t(`approvals.kind.${a.kind}`)}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography>{a.requesterName ?? `#${a.requestedBy}`}</Typography>
                  </Td>
                  <Td>
                    <Typography>{a.reason}</Typography>
                  </Td>
                  <Td>
                    <Preview approval={a} />
                  </Td>
                  <Td>
                    <Badge>{t(`approvals.status.${a.status}`)}</Badge>
                    {a.comment && (
                      <Typography variant="pi" textColor="neutral600" display="block">
                        {a.deciderName ? `${a.deciderName}: ` : ''}
                        {a.comment}
                      </Typography>
                    )}
                    {pending && a.expiresAt && (
                      <Typography variant="pi" textColor="neutral600" display="block">
                        {t('approvals.expires', { at: when(a.expiresAt) })}
                      </Typography>
                    )}
                    {a.error && (
                      <Typography variant="pi" textColor="danger600" display="block">
                        {a.error}
                      </Typography>
                    )}
                  </Td>
                  <Td>
                    <Flex gap={2}>
                      {pending && !mine && can[APPROVE_ACTIONS[a.kind]] && (
                        <>
                          <Button
                            size="S"
                            onClick={() => (setComment(''), setError(null), setDecision({ approval: a, verdict: 'approve' }))}
                            data-testid="ci-approve"
                          >
                            {t('approvals.approve')}
                          </Button>
                          <Button
                            size="S"
                            variant="danger-light"
                            onClick={() => (setComment(''), setError(null), setDecision({ approval: a, verdict: 'reject' }))}
                            data-testid="ci-reject"
                          >
                            {t('approvals.reject')}
                          </Button>
                        </>
                      )}
                      {pending && mine && (
                        <Button size="S" variant="tertiary" onClick={() => cancel(a)} data-testid="ci-approval-cancel">
                          {t('action.cancel')}
                        </Button>
                      )}
                      {mine && a.status === 'executed' && a.kind === 'export' && a.jobId !== null && (
                        <Button size="S" variant="secondary" onClick={() => download(a)} data-testid="ci-approval-download">
                          {t('approvals.download')}
                        </Button>
                      )}
                    </Flex>
                  </Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
        <Pager page={list.page} pageCount={list.data.meta.pagination.pageCount} total={list.data.meta.pagination.total} onPage={list.setPage} />
      </>
    );

  return (
    <Page.Main>
      <Page.Title>{t('nav.approvals')}</Page.Title>
      <Layouts.Header title={t('approvals.title')} subtitle={t('approvals.subtitle')} />
      <Layouts.Content>
        <Flex paddingBottom={4}>
          <SingleSelect
            aria-label={t('approvals.status')}
            placeholder={t('approvals.status')}
            value={status}
            onChange={(v: string | number) => setStatus(String(v) as ApprovalStatus)}
            onClear={() => setStatus('')}
          >
            {APPROVAL_STATUSES.map((s) => (
              <SingleSelectOption key={s} value={s}>
                {t(`approvals.status.${s}`)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Flex>
        {body}
      </Layouts.Content>
      <Modal.Root open={decision !== null} onOpenChange={(open: boolean) => !open && setDecision(null)}>
        <Modal.Content>
          <Modal.Header>
            <Modal.Title>{t(decision?.verdict === 'reject' ? 'approvals.rejectTitle' : 'approvals.approveTitle')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Textarea
              aria-label={t('approvals.comment')}
              placeholder={t(decision?.verdict === 'reject' ? 'approvals.commentRequired' : 'approvals.comment')}
              value={comment}
              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setComment(e.target.value)}
              data-testid="ci-approval-comment"
            />
            <RefusalMessages error={error} />
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('action.cancel')}</Button>
            </Modal.Close>
            <Button
              onClick={decide}
              loading={busy}
              variant={decision?.verdict === 'reject' ? 'danger' : 'default'}
              disabled={decision?.verdict === 'reject' && !comment.trim()}
              data-testid="ci-approval-confirm"
            >
              {t(decision?.verdict === 'reject' ? 'approvals.reject' : 'approvals.approve')}
            </Button>
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
    </Page.Main>
  );
};
