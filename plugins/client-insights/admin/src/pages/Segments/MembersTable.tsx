import { pluginPath } from '../../utils/paths';
import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Link } from 'react-router-dom';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useDateTime } from '../../components/Dates';
import { segmentsApi, type Member } from '../../../../shared/contracts/segments';
import { usePaged } from '../../hooks/usePaged';
import { useEnumLabel, useT } from '../../utils/translate';

/** Whose members: a segment's current ones, or one run's snapshot or its added / removed / kept customers. */
type MembersBody = { data: Member[]; meta: { pagination: { pageCount: number; total: number } } };

export type MembersOf = { segmentId: number } | { executionId: string; change?: 'added' | 'removed' | 'kept' };

/** A paginated customer list from a members endpoint (current members or a run's change report). */
export const MembersTable = ({ of, emptyMessage }: { of: MembersOf; emptyMessage: string }) => {
  const ofRun = usePaged(
    segmentsApi.resultCustomers,
    'executionId' in of ? { params: { id: of.executionId }, query: of.change ? { change: of.change } : {} } : null,
    20
  );
  const current = usePaged(segmentsApi.currentCustomers, 'segmentId' in of ? { params: { id: of.segmentId } } : null, 20);
  const members = 'executionId' in of ? ofRun : current;
  if (members.isLoading && !members.data) return <SectionLoading />;
  if (members.error || !members.data) return <SectionError error={members.error} onRetry={members.reload} />;
  return <MemberRows page={members.page} body={members.data} onPage={members.setPage} emptyMessage={emptyMessage} />;
};

/** One page of members with its pager (any members endpoint's answer). */
export const MemberRows = ({ body, page, onPage, emptyMessage }: { body: MembersBody; page: number; onPage: (p: number) => void; emptyMessage: string }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const rows = body.data;
  if (rows.length === 0) return <SectionEmpty message={emptyMessage} />;
  const cols = ['customer.name', 'customer.region', 'customer.stage', 'members.totalSpent', 'members.orderCount', 'members.lastOrderAt'] as const;
  return (
    <>
      <Table colCount={cols.length} rowCount={rows.length + 1} data-testid="ci-members">
        <Thead>
          <Tr>
            {cols.map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(c)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((m) => (
            <Tr key={m.id}>
              <Td>
                <Link to={pluginPath(`customers/${m.id}`)}>
                  <Typography textColor="primary600">{m.name ?? `#${m.id}`}</Typography>
                </Link>
              </Td>
              <Td>
                <Typography>{m.region ?? '—'}</Typography>
              </Td>
              <Td>
                <Typography>{m.stage ? enumLabel('enum', m.stage) : '—'}</Typography>
              </Td>
              <Td>
                <Typography>{Number(m.totalSpent ?? 0).toLocaleString()}</Typography>
              </Td>
              <Td>
                <Typography>{Number(m.orderCount ?? 0)}</Typography>
              </Td>
              <Td>
                <Typography>{when(m.lastOrderAt)}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Pager page={page} pageCount={body.meta.pagination.pageCount} total={body.meta.pagination.total} onPage={onPage} />
    </>
  );
};
