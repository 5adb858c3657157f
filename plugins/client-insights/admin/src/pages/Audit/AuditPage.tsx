import * as React from 'react';
import { Box, Button, Flex, SingleSelect, SingleSelectOption, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { Layouts, Page, useAuth, useNotification } from '@strapi/strapi/admin';
import { auditApi, type AuditFilter } from '../../../../shared/contracts/audit';
import { downloadCsv } from '../../api/client';
import { errorMessage } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { saveFile } from '../../utils/save-file';
import { useT } from '../../utils/translate';

const ACTORS = ['admin', 'api', 'system'] as const;

/** The audit log, read-only: filter by who, what and target; download the filtered entries as CSV. */
export const AuditPage = () => {
  const t = useT();
  const when = useDateTime();
  const token = useAuth('AuditPage', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const [filter, setFilter] = React.useState<AuditFilter>({});
  const set = (key: keyof AuditFilter, value: string) => setFilter((f) => ({ ...f, [key]: value.trim() === '' ? undefined : value }));
  const entries = usePaged(auditApi.list, { query: filter }, 50);
  const download = async () => {
    try {
      const blob = await downloadCsv(auditApi.export, { query: filter }, token, window.strapi?.backendURL ?? '');
      saveFile(blob, 'audit-log.csv');
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  };
  let body: React.ReactNode;
  if (entries.isLoading && !entries.data) body = <SectionLoading />;
  else if (entries.error || !entries.data) body = <SectionError error={entries.error} onRetry={entries.reload} />;
  else if (entries.data.data.length === 0) body = <SectionEmpty message={t('audit.empty')} />;
  else
    body = (
      <>
        <Table colCount={6} rowCount={entries.data.data.length + 1} data-testid="ci-audit-table">
          <Thead>
            <Tr>
              {(['audit.at', 'audit.actor', 'audit.action', 'audit.target', 'audit.status', 'audit.from'] as const).map((k) => (
                <Th key={k}>
                  <Typography variant="sigma">{t(k)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {entries.data.data.map((e) => (
              <Tr key={e.id} data-testid="ci-audit-row">
                <Td>{when(e.at)}</Td>
                <Td>{t(`audit.actor.${e.actorType}`, { id: e.actorId ?? '' })}</Td>
                <Td>
                  <Typography fontWeight="semiBold">{e.action}</Typography>
                </Td>
                <Td>{e.targetType ? `${e.targetType}${e.targetId ? ` #${e.targetId}` : ''}` : '—'}</Td>
                <Td>{e.status ?? '—'}</Td>
                <Td>
                  <Typography variant="pi" textColor="neutral600">
                    {[e.ip, e.userAgent].filter(Boolean).join(' · ')}
                  </Typography>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        <Pager page={entries.page} pageCount={entries.data.meta.pagination.pageCount} total={entries.data.meta.pagination.total} onPage={entries.setPage} />
      </>
    );
  return (
    <Page.Main>
      <Page.Title>{t('nav.audit')}</Page.Title>
      <Layouts.Header
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        primaryAction={
          <Button variant="secondary" startIcon={<Download />} onClick={download} data-testid="ci-audit-export">
            {t('action.exportCsv')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex gap={3} paddingBottom={4} wrap="wrap" alignItems="flex-end">
          <Box minWidth="160px">
            <SingleSelect
              aria-label={t('audit.actor')}
              placeholder={t('audit.actor')}
              value={filter.actorType ?? ''}
              onChange={(v: string | number) => set('actorType', String(v))}
              onClear={() => set('actorType', '')}
            >
              {ACTORS.map((a) => (
                <SingleSelectOption key={a} value={a}>
                  {t(`audit.actor.${a}`, { id: '' })}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
          {(['action', 'targetType', 'targetId'] as const).map((key) => (
            <Box key={key} minWidth="180px">
              <TextInput
                aria-label={t(`audit.filter.${key}`)}
                placeholder={t(`audit.filter.${key}`)}
                value={filter[key] ?? ''}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(key, e.target.value)}
                data-testid={`ci-audit-filter-${key}`}
              />
            </Box>
          ))}
        </Flex>
        {body}
      </Layouts.Content>
    </Page.Main>
  );
};
