import * as React from 'react';
import { Badge, Box, Button, Dialog, Field, Flex, IconButton, Table, Tabs, Tbody, Td, Textarea, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Play, Plus, Stop, Trash } from '@strapi/icons';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { automationApi, type AutomationRule } from '../../../../shared/contracts/automation';
import { toApiError } from '../../api/client';
import { useApi, useApiClient } from '../../api/useApi';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { Pager } from '../../components/Pager';
import { useT } from '../../utils/translate';
import { EndpointsTab } from './EndpointsTab';
import { LogsTable } from './LogsTable';
import { RuleEditor } from './RuleEditor';
import { TestPanel } from './TestPanel';

/** A rule's last 7 days: triggered, sent + done, success rate. */
const Figures = ({ rule }: { rule: AutomationRule }) => {
  const t = useT();
  const figures = useApi(automationApi.figures, { params: { id: rule.documentId }, query: {} });
  if (!figures.data) return <Typography textColor="neutral500">{figures.error ? '!' : '…'}</Typography>;
  const f = figures.data;
  return (
    <Typography variant="pi">
      {t('automation.figures', {
        triggered: f.triggered,
        sent: f.sent + f.done,
        skipped: f.skipped,
        failed: f.failed + f.dead,
        rate: f.successRate === null ? '—' : `${Math.round(f.successRate * 100)}%`,
      })}
    </Typography>
  );
};

const STATUS_VARIANT = { draft: 'neutral', pending_approval: 'warning', active: 'success', paused: 'secondary' } as const;

/** Automation: the rules (status, versions, 7-day figures, lifecycle buttons), their logs and the webhook endpoints. Everything needs automation.manage. */
export const AutomationPage = () => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [page, setPage] = React.useState(1);
  const rules = useApi(automationApi.list, { query: { page, pageSize: 20 } });
  const catalogue = useApi(automationApi.catalogue, {});
  const [editing, setEditing] = React.useState<AutomationRule | 'new' | null>(null);
  const [submitting, setSubmitting] = React.useState<AutomationRule | null>(null);
  const [testing, setTesting] = React.useState<AutomationRule | null>(null);
  const [reason, setReason] = React.useState('');
  const [busy, setBusy] = React.useState<string | null>(null);

  const act = async (rule: AutomationRule, move: 'activate' | 'pause' | 'resume' | 'remove') => {
    setBusy(rule.documentId);
    try {
      if (move === 'remove') await api.request(automationApi.remove, { params: { id: rule.documentId } });
      else await api.request(automationApi[move], { params: { id: rule.documentId }, body: {} });
      toggleNotification({ type: 'success', message: t(`automation.done.${move}`, { name: rule.name }) });
    } catch (e) {
      const error = toApiError(e);
      // A high-risk rule: offer to submit it for approval instead.
      if (error.name === 'ApprovalRequiredError') setSubmitting(rule);
      toggleNotification({ type: 'danger', message: error.message });
    } finally {
      setBusy(null);
      rules.reload();
    }
  };
  const submit = async () => {
    if (!submitting) return;
    try {
      await api.request(automationApi.submit, { params: { id: submitting.documentId }, body: { reason } });
      toggleNotification({ type: 'success', message: t('automation.done.submit', { name: submitting.name }) });
      setSubmitting(null);
      setReason('');
      rules.reload();
    } catch (e) {
      toggleNotification({ type: 'danger', message: toApiError(e).message });
    }
  };

  let list: React.ReactNode;
  if (rules.isLoading && !rules.body) list = <SectionLoading />;
  else if (rules.error) list = <SectionError error={rules.error} onRetry={rules.reload} />;
  else if (!rules.body?.data.length) list = <SectionEmpty message={t('automation.empty')} />;
  else
    list = (
      <>
        <Table colCount={5} rowCount={rules.body.data.length + 1}>
          <Thead>
            <Tr>
              {(['name', 'status', 'version', 'figures', 'actions'] as const).map((c) => (
                <Th key={c}>
                  <Typography variant="sigma">{t(`automation.col.${c}`)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {rules.body.data.map((rule) => (
              <Tr key={rule.documentId} data-testid={`ci-automation-rule-${rule.documentId}`}>
                <Td>
                  <Typography fontWeight="bold">{rule.name}</Typography>
                </Td>
                <Td>
                  <Badge variant={STATUS_VARIANT[rule.status]} data-testid="ci-automation-status" data-status={rule.status}>
                    {t(`automation.status.${rule.status}`)}
                  </Badge>
                </Td>
                <Td>
                  <Typography>
                    {rule.runningVersion ? `v${rule.runningVersion}` : '—'}
                    {rule.latestVersion && rule.latestVersion !== rule.runningVersion ? ` (${t('automation.latest', { v: rule.latestVersion })})` : ''}
                  </Typography>
                </Td>
                <Td>
                  <Figures rule={rule} />
                </Td>
                <Td>
                  <Flex gap={1}>
                    <IconButton label={t('automation.edit', { name: rule.name })} variant="ghost" onClick={() => setEditing(rule)}>
                      <Pencil />
                    </IconButton>
                    <Button variant="tertiary" size="S" onClick={() => setTesting(rule)} data-testid="ci-automation-test">
                      {t('automation.test')}
                    </Button>
                    {(rule.status === 'draft' || rule.status === 'paused') && (
                      <IconButton
                        label={t('automation.activate')}
                        variant="ghost"
                        disabled={busy === rule.documentId}
                        onClick={() => act(rule, rule.status === 'paused' ? 'resume' : 'activate')}
                      >
                        <Play />
                      </IconButton>
                    )}
                    {rule.status !== 'active' && rule.status !== 'pending_approval' && (
                      <Button variant="tertiary" size="S" onClick={() => setSubmitting(rule)} data-testid="ci-automation-submit">
                        {t('automation.submit')}
                      </Button>
                    )}
                    {(rule.status === 'active' || rule.status === 'pending_approval') && (
                      <IconButton label={t('automation.pause')} variant="ghost" disabled={busy === rule.documentId} onClick={() => act(rule, 'pause')}>
                        <Stop />
                      </IconButton>
                    )}
                    <IconButton
                      label={t('automation.remove', { name: rule.name })}
                      variant="ghost"
                      disabled={busy === rule.documentId}
                      onClick={() => act(rule, 'remove')}
                    >
                      <Trash />
                    </IconButton>
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        <Pager page={page} pageCount={rules.body.meta.pagination.pageCount} total={rules.body.meta.pagination.total} onPage={setPage} />
      </>
    );

  return (
    <Page.Main>
      <Page.Title>{t('nav.automation')}</Page.Title>
      <Layouts.Header
        title={t('nav.automation')}
        subtitle={t('automation.subtitle')}
        primaryAction={
          <Button startIcon={<Plus />} onClick={() => setEditing('new')} data-testid="ci-automation-new">
            {t('automation.create')}
          </Button>
        }
      />
      <Layouts.Content>
        <Tabs.Root defaultValue="rules">
          <Tabs.List aria-label={t('nav.automation')}>
            <Tabs.Trigger value="rules">{t('automation.tab.rules')}</Tabs.Trigger>
            <Tabs.Trigger value="logs">{t('automation.tab.logs')}</Tabs.Trigger>
            <Tabs.Trigger value="endpoints" data-testid="ci-automation-tab-endpoints">
              {t('automation.tab.endpoints')}
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="rules">
            <Box paddingTop={4}>{list}</Box>
          </Tabs.Content>
          <Tabs.Content value="logs">
            <Box paddingTop={4}>
              <LogsTable rules={rules.body?.data ?? []} catalogue={catalogue.data} />
            </Box>
          </Tabs.Content>
          <Tabs.Content value="endpoints">
            <Box paddingTop={4}>
              <EndpointsTab />
            </Box>
          </Tabs.Content>
        </Tabs.Root>
      </Layouts.Content>
      {editing && (
        <RuleEditor
          rule={editing === 'new' ? null : editing}
          catalogue={catalogue.data}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            rules.reload();
          }}
        />
      )}
      {testing && <TestPanel rule={testing} catalogue={catalogue.data} onClose={() => setTesting(null)} />}
      <Dialog.Root open={submitting !== null} onOpenChange={(o: boolean) => !o && setSubmitting(null)}>
        <Dialog.Content>
          <Dialog.Header>{t('automation.submitTitle', { name: submitting?.name ?? '' })}</Dialog.Header>
          <Dialog.Body>
            <Field.Root name="reason" required hint={t('automation.submitHint')}>
              <Field.Label>{t('automation.reason')}</Field.Label>
              <Textarea
                value={reason}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setReason(e.target.value)}
                data-testid="ci-automation-submit-reason"
              />
              <Field.Hint />
            </Field.Root>
          </Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button variant="tertiary">{t('action.cancel')}</Button>
            </Dialog.Cancel>
            <Button onClick={submit} disabled={!reason.trim()} data-testid="ci-automation-submit-confirm">
              {t('automation.submit')}
            </Button>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </Page.Main>
  );
};
