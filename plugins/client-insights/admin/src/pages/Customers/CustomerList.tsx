import * as React from 'react';
import { Badge, Box, Button, Flex, Searchbar, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { CUSTOMER_SORTS, customersApi } from '../../../../shared/contracts/customers';
import { CsvButton } from '../../components/CsvButton';
import { useMoney } from '../../components/Numbers';
import { Pager } from '../../components/Pager';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePaged } from '../../hooks/usePaged';
import { usePermissions } from '../../hooks/usePermissions';
import { pluginPath } from '../../utils/paths';
import { useEnumLabel, useT, type MessageKey } from '../../utils/translate';
import { BulkDialog } from '../Tags/BulkDialog';
import { CustomerFilters, PICKED_FILTERS, usePickedFilterBadges, type FilterValues } from './CustomerFilters';
import { FollowUpTask } from './FollowUpTask';

/** URL filters the server understands (shared/contracts/customers.ts); fromRun / toRun go with movedFrom / movedTo. */
const FILTERS = [...PICKED_FILTERS, 'quadrant', 'rfmSegment', 'r', 'f', 'm', 'hasOrders', 'movedFrom', 'movedTo', 'fromRun', 'toRun', 'retained'] as const;
const SORTS = CUSTOMER_SORTS.flatMap((f) => (f === 'name' ? [`${f}:asc`, `${f}:desc`] : [`${f}:desc`, `${f}:asc`]));
const DEFAULT_SORT = 'default';

/**
 * Searchable, paginated customers. Value-chart drill-downs arrive as URL filters (a heatmap cell,
 * a scatter point, a migration cell, a value card); the listed customers can be exported or given follow-up tasks.
 */
export const CustomerList = () => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const navigate = useNavigate();
  const money = useMoney();
  const { formatNumber, formatDate } = useIntl();
  const { can } = usePermissions();
  const pickedBadges = usePickedFilterBadges();
  const [params, setParams] = useSearchParams();
  const [text, setText] = React.useState(params.get('q') ?? '');
  const [tagging, setTagging] = React.useState(false);
  const filters = Object.fromEntries(FILTERS.filter((f) => params.get(f)).map((f) => [f, params.get(f)!]));
  const sort = params.get('sort') ?? undefined;
  // The list, its export, its follow-up tasks and its bulk tagging all cover exactly these customers.
  const query: Record<string, string> = { ...filters, ...(params.get('q') ? { q: params.get('q')! } : {}) };
  const list = usePaged(customersApi.list, { query: { ...query, ...(sort ? { sort } : {}) } }, 20);
  const setParam = (values: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, v] of Object.entries(values)) {
      if (v) next.set(key, v);
      else next.delete(key);
    }
    setParams(next);
  };
  const picked = Object.fromEntries(PICKED_FILTERS.filter((f) => filters[f]).map((f) => [f, filters[f]])) as FilterValues;
  const quadrantOrNone = (v: string) => (v === 'none' ? t('values.notScored') : enumLabel('enum', v));
  const badges = [
    ...pickedBadges(picked),
    ...(['quadrant', 'rfmSegment'] as const).filter((k) => filters[k]).map((k) => enumLabel('enum', filters[k])),
    ...(['r', 'f', 'm'] as const).filter((k) => filters[k]).map((k) => t('customers.filter.score', { letter: k.toUpperCase(), score: filters[k] })),
    ...(filters.hasOrders ? [t(filters.hasOrders === 'true' ? 'customers.filter.buyers' : 'customers.filter.nonBuyers')] : []),
    ...(filters.retained ? [t(filters.retained === 'true' ? 'customers.filter.retained' : 'customers.filter.lapsed')] : []),
    ...(filters.movedFrom && filters.movedTo
      ? [
          filters.movedFrom === filters.movedTo
            ? t('customers.filter.stayed', { quadrant: quadrantOrNone(filters.movedTo), fromRun: filters.fromRun ?? '—', toRun: filters.toRun ?? '—' })
            : t('customers.filter.moved', {
                from: quadrantOrNone(filters.movedFrom),
                to: quadrantOrNone(filters.movedTo),
                fromRun: filters.fromRun ?? '—',
                toRun: filters.toRun ?? '—',
              }),
        ]
      : []),
  ];
  const total = list.data?.meta.pagination.total ?? 0;
  React.useEffect(() => {
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (text.trim()) next.set('q', text.trim());
      else next.delete('q');
      if (next.toString() !== params.toString()) setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const rows = list.data?.data ?? [];
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Searchbar
        name="customer-search"
        value={text}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setText(e.target.value)}
        onClear={() => setText('')}
        clearLabel={t('action.clear')}
        placeholder={t('customers.search')}
      >
        {t('customers.search')}
      </Searchbar>
      <Flex gap={3} wrap="wrap" alignItems="flex-end" justifyContent="space-between">
        <CustomerFilters value={picked} onChange={(next) => setParam(Object.fromEntries(PICKED_FILTERS.map((f) => [f, next[f]])))} />
        <Box minWidth="240px" data-testid="ci-customer-sort">
          <SingleSelect
            aria-label={t('customers.sort')}
            value={sort ?? DEFAULT_SORT}
            onChange={(v: string | number) => setParam({ sort: v === DEFAULT_SORT ? undefined : String(v) })}
          >
            <SingleSelectOption value={DEFAULT_SORT}>{t('customers.sort.default')}</SingleSelectOption>
            {SORTS.map((s) => (
              <SingleSelectOption key={s} value={s}>
                {t(`customers.sort.${s}` as MessageKey)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Box>
      </Flex>
      {badges.length > 0 && (
        <Flex gap={2} wrap="wrap" data-testid="ci-customer-filters">
          <Typography variant="pi">{t('customers.filteredBy')}</Typography>
          {badges.map((b) => (
            <Badge key={b}>{b}</Badge>
          ))}
          <Box tag="button" type="button" onClick={() => setParams(new URLSearchParams())} style={{ border: 'none', background: 'none', cursor: 'pointer' }}>
            <Typography variant="pi" textColor="primary600">
              {t('customers.clearFilters')}
            </Typography>
          </Box>
        </Flex>
      )}
      {list.isLoading && !list.data ? (
        <SectionLoading />
      ) : list.error || !list.data ? (
        <SectionError error={list.error} onRetry={list.reload} />
      ) : rows.length === 0 ? (
        <SectionEmpty message={t('customers.empty')} />
      ) : (
        <>
          <Flex justifyContent="space-between" alignItems="center" gap={2} wrap="wrap">
            <Typography variant="omega" fontWeight="bold" data-testid="ci-customer-total" data-value={total}>
              {t('customers.total', { n: formatNumber(total) })}
            </Typography>
            <Flex gap={2}>
              {can['tags.manage'] && (
                <Button variant="secondary" onClick={() => setTagging(true)} data-testid="ci-customers-tag">
                  {t('customers.tagThese')}
                </Button>
              )}
              <FollowUpTask filter={query} count={total} />
              {can.export && (
                <CsvButton
                  request={{ source: 'customers', filter: query }}
                  filename={`customers${Object.entries(filters)
                    .map(([k, v]) => `-${k}-${v}`)
                    .join('')}.csv`}
                />
              )}
            </Flex>
          </Flex>
          <Table colCount={8} rowCount={rows.length + 1} data-testid="ci-customer-list">
            <Thead>
              <Tr>
                {(
                  [
                    'customer.name',
                    'customer.region',
                    'customer.stage',
                    'members.totalSpent',
                    'members.orderCount',
                    'profile.createdAt',
                    'customers.col.lastActivity',
                    'customers.quadrant',
                  ] as const
                ).map((c) => (
                  <Th key={c}>
                    <Typography variant="sigma">{t(c)}</Typography>
                  </Th>
                ))}
              </Tr>
            </Thead>
            <Tbody>
              {rows.map((c) => (
                <Tr key={c.id} onClick={() => navigate(pluginPath(`customers/${c.id}`))} style={{ cursor: 'pointer' }} data-testid="ci-customer-row">
                  <Td>
                    {/* A real link too: open in a new tab, copy, keyboard. */}
                    <Link to={pluginPath(`customers/${c.id}`)} onClick={(e) => e.stopPropagation()} data-testid="ci-customer-link">
                      <Typography fontWeight="bold" textColor="primary600">
                        {c.name ?? `#${c.id}`}
                      </Typography>
                    </Link>
                    <Typography variant="pi" textColor="neutral500" tag="div">
                      {c.email ?? ''}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography>{c.region ?? '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{c.stage ? enumLabel('enum', c.stage) : '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography data-testid="ci-customer-spent">{money(c.totalSpent)}</Typography>
                  </Td>
                  <Td>
                    <Typography>{formatNumber(c.orderCount)}</Typography>
                  </Td>
                  <Td>
                    <Typography>{c.createdAt ? formatDate(new Date(c.createdAt), { dateStyle: 'medium' }) : '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{c.lastActivityAt ? formatDate(new Date(c.lastActivityAt), { dateStyle: 'medium' }) : '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{c.quadrant ? enumLabel('enum', c.quadrant) : '—'}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          {tagging && <BulkDialog tag={null} filter={query} count={total} onClose={() => setTagging(false)} onDone={() => setTagging(false)} />}
          <Pager page={list.page} pageCount={list.data.meta.pagination.pageCount} total={list.data.meta.pagination.total} onPage={list.setPage} />
        </>
      )}
    </Flex>
  );
};
