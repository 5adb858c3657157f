import * as React from 'react';
import { Badge, Box, Button, Flex, SingleSelect, SingleSelectOption, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { automationApi, type AutomationCatalogue, type AutomationRule } from '../../../../shared/contracts/automation';
import { ACTION_TYPES, AUTOMATION_LOG_STATUSES, SKIP_REASONS, type ActionType } from '../../../../shared/enums';
import { useNotification } from '@strapi/strapi/admin';
import { errorMessage, useApi, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useIntl } from 'react-intl';
import { useEnumLabel, useT } from '../../utils/translate';
import { actionLabel } from './StepsEditor';

type Filters = { rule?: string; status?: string; reason?: string; action?: string; customerId?: string };

const FilterSelect = ({
  label,
  value,
  options,
  optionLabel,
  onChange,
}: {
  label: string;
  value?: string;
  options: readonly string[];
  optionLabel: (o: string) => string;
  onChange: (v?: string) => void;
}) => {
  const t = useT();
  return (
    <Box minWidth="180px">
      <SingleSelect aria-label={label} placeholder={label} value={value ?? ''} onChange={(v: string | number) => onChange(v === '' ? undefined : String(v))}>
        <SingleSelectOption value="">{t('automation.logs.any', { what: label })}</SingleSelectOption>
        {options.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {optionLabel(o)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </Box>
  );
};

/** The automation log with its filters (rule, status, reason, action, customer), newest first; a dead letter is retried from its line. */
export const LogsTable = ({ rules, catalogue }: { rules: AutomationRule[]; catalogue: AutomationCatalogue | undefined }) => {
  const t = useT();
  const { locale } = useIntl();
  const enumLabel = useEnumLabel();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [retrying, setRetrying] = React.useState<string | null>(null);
  const when = useDateTime();
  const [filters, setFilters] = React.useState<Filters>({});
  const [page, setPage] = React.useState(1);
  const set = (patch: Filters) => {
    setFilters({ ...filters, ...patch });
    setPage(1);
  };
  const customerId = filters.customerId && /^\d+$/.test(filters.customerId) ? filters.customerId : undefined;
  const logs = useApi(automationApi.logs, { query: { ...filters, customerId, page, pageSize: 50 } as any });
  const names = new Map(rules.map((r) => [r.documentId, r.name]));
  const retry = async (idemKey: string) => {
    setRetrying(idemKey);
    try {
      await api.request(automationApi.retryDeadLetter, { body: { idemKey } });
      toggleNotification({ type: 'success', message: t('automation.logs.retried') });
    } catch (e) {
      // 404 (no such step) or 409 (no longer dead): the server's words, not a silent no-op.
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setRetrying(null);
      logs.reload();
    }
  };
  let body: React.ReactNode;
  if (logs.isLoading && !logs.body) body = <SectionLoading />;
  else if (logs.error) body = <SectionError error={logs.error} onRetry={logs.reload} />;
  else if (!logs.body?.data.length) body = <SectionEmpty message={t('automation.logs.empty')} />;
  else
    body = (
      <>
        <Table colCount={7} rowCount={logs.body.data.length + 1}>
          <Thead>
            <Tr>
              {(['at', 'rule', 'customer', 'step', 'status', 'attempts', 'latency'] as const).map((c) => (
                <Th key={c}>
                  <Typography variant="sigma">{t(`automation.logs.col.${c}`)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {logs.body.data.map((l) => (
              <Tr key={l.id} data-testid="ci-automation-log" data-status={l.status} data-action={l.action ?? ''}>
                <Td>
                  <Typography variant="pi">{when(l.createdAt)}</Typography>
                </Td>
                <Td>
                  <Typography>
                    {names.get(l.ruleDoc) ?? l.ruleDoc} v{l.version}
                  </Typography>
                </Td>
                <Td>
                  <Typography>{l.customerId ?? '—'}</Typography>
                </Td>
                <Td>
                  <Typography>{[l.stepPath, l.action && actionLabel(catalogue, locale, l.action)].filter(Boolean).join(' · ') || '—'}</Typography>
                </Td>
                <Td>
                  <Flex gap={1}>
                    <Badge>{enumLabel('automation.logStatus', l.status)}</Badge>
                    {l.reason && <Typography variant="pi">{enumLabel('automation.skip', l.reason)}</Typography>}
                    {l.error && (
                      <Typography variant="pi" textColor="danger600">
                        {l.error}
                      </Typography>
                    )}
                    {l.status === 'dead' && l.idemKey && (
                      <Button size="S" variant="secondary" loading={retrying === l.idemKey} onClick={() => retry(l.idemKey!)} data-testid="ci-automation-retry">
                        {t('automation.logs.retry')}
                      </Button>
                    )}
                  </Flex>
                </Td>
                <Td>
                  <Typography>{l.attempts}</Typography>
                </Td>
                <Td>
                  <Typography>{l.latencyMs === null ? '—' : `${l.latencyMs} ms`}</Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        <Pager page={page} pageCount={logs.body.meta.pagination.pageCount} total={logs.body.meta.pagination.total} onPage={setPage} />
      </>
    );
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={2} wrap="wrap">
        <Box minWidth="220px">
          <SingleSelect
            aria-label={t('automation.logs.col.rule')}
            placeholder={t('automation.logs.col.rule')}
            value={filters.rule ?? ''}
            onChange={(v: string | number) => set({ rule: v === '' ? undefined : String(v) })}
          >
            <SingleSelectOption value="">{t('automation.logs.any', { what: t('automation.logs.col.rule') })}</SingleSelectOption>
            {rules.map((r) => (
              <SingleSelectOption key={r.documentId} value={r.documentId}>
                {r.name}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Box>
        <FilterSelect
          label={t('automation.logs.col.status')}
          value={filters.status}
          options={AUTOMATION_LOG_STATUSES}
          optionLabel={(o) => enumLabel('automation.logStatus', o)}
          onChange={(status) => set({ status })}
        />
        <FilterSelect
          label={t('automation.logs.reason')}
          value={filters.reason}
          options={SKIP_REASONS}
          optionLabel={(o) => enumLabel('automation.skip', o)}
          onChange={(reason) => set({ reason })}
        />
        <FilterSelect
          label={t('automation.logs.action')}
          value={filters.action}
          options={ACTION_TYPES}
          optionLabel={(o) => actionLabel(catalogue, locale, o as ActionType)}
          onChange={(action) => set({ action })}
        />
        <TextInput
          aria-label={t('automation.logs.col.customer')}
          placeholder={t('automation.logs.col.customer')}
          value={filters.customerId ?? ''}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ customerId: e.target.value || undefined })}
        />
        <Button variant="tertiary" onClick={logs.reload} data-testid="ci-automation-logs-refresh">
          {t('automation.logs.refresh')}
        </Button>
      </Flex>
      {body}
    </Flex>
  );
};
