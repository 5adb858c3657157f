import { Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import * as React from 'react';
import { reportsApi, type FlowCustomersQuery } from '../../../../shared/contracts/reports';
import { useApi } from '../../api/useApi';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useEnumLabel, useT } from '../../utils/translate';

type Pick = Omit<FlowCustomersQuery, 'page' | 'pageSize' | 'kind' | 'timeZone'> & { kind: 'segment' | 'quadrant'; timeZone: string };

/** The customers of one flow, a page at a time; contact data masked by the server as in the customer list. */
export const FlowCustomers = ({ pick, title }: { pick: Pick; title: string }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const [page, setPage] = React.useState(1);
  React.useEffect(() => setPage(1), [JSON.stringify(pick)]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = useApi(reportsApi.flowCustomers, { query: { ...pick, page, pageSize: 20 } });
  let body: React.ReactNode;
  if (list.isLoading && !list.body) body = <SectionLoading />;
  else if (list.error || !list.body) body = <SectionError error={list.error} onRetry={list.reload} />;
  else if (list.body.data.length === 0) body = <SectionEmpty message={t('flow.noCustomers')} />;
  else
    body = (
      <>
        <Table colCount={4} rowCount={list.body.data.length + 1} data-testid="ci-flow-customers">
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('flow.col.name')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('flow.col.email')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('flow.col.phone')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('flow.col.stage')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {list.body.data.map((c) => (
              <Tr key={c.id} data-testid="ci-flow-customer">
                <Td>{c.name ?? '—'}</Td>
                <Td>{c.email ?? '—'}</Td>
                <Td>{c.phone ?? '—'}</Td>
                <Td>{c.stage ? enumLabel('enum', c.stage) : '—'}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        <Pager page={page} pageCount={list.body.meta.pagination.pageCount} total={list.body.meta.pagination.total} onPage={setPage} />
      </>
    );
  return (
    <Box background="neutral0" shadow="tableShadow" hasRadius padding={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {body}
    </Box>
  );
};
