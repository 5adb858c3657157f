import * as React from 'react';
import { Badge, Box, Button, Flex, IconButton, Searchbar, Table, Tabs, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise, ClockCounterClockwise, Pencil, Play, Plus, User } from '@strapi/icons';
import { Link } from 'react-router-dom';
import { Layouts, Page } from '@strapi/strapi/admin';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { TAG_CATEGORIES as CATEGORIES } from '../../../../shared/enums';
import { useApi } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePermissions } from '../../hooks/usePermissions';
import { pluginPath } from '../../utils/paths';
import { useEnumLabel, useT } from '../../utils/translate';
import { BulkDialog } from './BulkDialog';
import { MergeDialog } from './MergeDialog';
import { RuleLogDialog } from './RuleLogDialog';
import { TagDialog } from './TagDialog';
import { useRuleRun } from './useRuleRun';

const TagTable = ({
  tags,
  manage,
  onEdit,
  onBulk,
  onRun,
  onLog,
  running,
}: {
  tags: Tag[];
  manage: boolean;
  onEdit: (t: Tag) => void;
  onBulk: (t: Tag) => void;
  onRun: (t: Tag) => void;
  onLog: (t: Tag) => void;
  running: number | null;
}) => {
  const t = useT();
  const when = useDateTime();
  if (tags.length === 0) return <SectionEmpty message={t('tags.emptyCategory')} />;
  return (
    <Table colCount={5} rowCount={tags.length + 1}>
      <Thead>
        <Tr>
          {(['tags.col.name', 'tags.col.usage', 'tags.col.rule', 'tags.col.lastRun', 'segments.col.actions'] as const).map((c) => (
            <Th key={c}>
              <Typography variant="sigma">{t(c)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {tags.map((tag) => (
          <Tr key={tag.id} data-testid={`ci-tag-row-${tag.slug}`}>
            <Td>
              <Flex gap={2}>
                <Box width="12px" height="12px" hasRadius style={{ background: tag.color ?? '#c0c0cf' }} />
                <Flex direction="column" alignItems="flex-start">
                  <Typography fontWeight="bold">{tag.name}</Typography>
                  <Typography variant="pi" textColor="neutral500">
                    {tag.slug}
                  </Typography>
                </Flex>
              </Flex>
            </Td>
            <Td>
              {/* The customers carrying it: the customer list filtered by this tag. */}
              <Link
                to={`${pluginPath('customers')}?tag=${encodeURIComponent(tag.slug)}`}
                aria-label={t('tags.openCustomers', { name: tag.name })}
                data-testid="ci-tag-customers"
              >
                <Typography data-testid="ci-tag-usage" textColor="primary600">
                  {tag.usage.toLocaleString()}
                </Typography>
              </Link>
            </Td>
            <Td>{tag.rule ? <Badge>{t('tags.auto')}</Badge> : <Typography textColor="neutral500">{t('tags.manual')}</Typography>}</Td>
            <Td>
              <Typography variant="pi">
                {tag.lastRun
                  ? t('tags.lastRun', { at: when(tag.lastRun.at), matched: tag.lastRun.matched, added: tag.lastRun.added, removed: tag.lastRun.removed })
                  : '—'}
              </Typography>
            </Td>
            <Td>
              <Flex gap={1}>
                {manage && (
                  <>
                    <IconButton label={t('tags.edit', { name: tag.name })} variant="ghost" onClick={() => onEdit(tag)}>
                      <Pencil />
                    </IconButton>
                    <IconButton label={t('tags.bulk.title', { name: tag.name })} variant="ghost" onClick={() => onBulk(tag)}>
                      <User />
                    </IconButton>
                  </>
                )}
                {manage && tag.rule !== null && (
                  <IconButton label={t('tags.runNow', { name: tag.name })} variant="ghost" onClick={() => onRun(tag)} disabled={running === tag.id}>
                    {running === tag.id ? <ArrowsCounterClockwise /> : <Play />}
                  </IconButton>
                )}
                {tag.rule !== null && (
                  <IconButton label={t('tags.log.title', { name: tag.name })} variant="ghost" onClick={() => onLog(tag)} data-testid="ci-tag-log-open">
                    <ClockCounterClockwise />
                  </IconButton>
                )}
              </Flex>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

export const TagsPage = () => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { can } = usePermissions();
  const manage = can['tags.manage'];
  const tags = useApi(tagsApi.list, {});
  const [editing, setEditing] = React.useState<Tag | null | 'new'>(null);
  const [bulk, setBulk] = React.useState<Tag | null>(null);
  const [merging, setMerging] = React.useState(false);
  const [logOf, setLogOf] = React.useState<Tag | null>(null);
  const ruleRun = useRuleRun(() => tags.reload());
  const [search, setSearch] = React.useState('');
  const q = search.trim().toLowerCase();
  const shown = (tags.data ?? []).filter((x) => !q || x.name.toLowerCase().includes(q) || x.slug.includes(q));
  let body: React.ReactNode;
  if (tags.isLoading && !tags.data) body = <SectionLoading />;
  else if (tags.error || !tags.data) body = <SectionError error={tags.error} onRetry={tags.reload} />;
  else if (tags.data.length === 0) body = <SectionEmpty message={t('tags.empty')} />;
  else if (shown.length === 0) body = <SectionEmpty message={t('tags.noMatch', { q: search.trim() })} />;
  else
    body = (
      // A search opens the first category with a match.
      <Tabs.Root key={q} defaultValue={q ? (CATEGORIES.find((c) => shown.some((x) => x.category === c)) ?? 'basic') : 'basic'}>
        <Tabs.List aria-label={t('tags.category')}>
          {CATEGORIES.map((c) => (
            <Tabs.Trigger key={c} value={c}>
              {enumLabel('tag.category', c)} ({shown.filter((x) => x.category === c).length})
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {CATEGORIES.map((c) => (
          <Tabs.Content key={c} value={c}>
            <Box paddingTop={4}>
              <TagTable
                tags={shown.filter((x) => x.category === c)}
                manage={manage}
                onEdit={setEditing}
                onBulk={setBulk}
                onRun={ruleRun.start}
                onLog={setLogOf}
                running={ruleRun.running}
              />
            </Box>
          </Tabs.Content>
        ))}
      </Tabs.Root>
    );
  const done = () => {
    setEditing(null);
    setBulk(null);
    setMerging(false);
    tags.reload();
  };
  return (
    <Page.Main>
      <Page.Title>{t('nav.tags')}</Page.Title>
      <Layouts.Header
        title={t('tags.title')}
        subtitle={t('tags.subtitle')}
        primaryAction={
          manage ? (
            <Button startIcon={<Plus />} onClick={() => setEditing('new')} data-testid="ci-tag-create">
              {t('tags.create')}
            </Button>
          ) : undefined
        }
        secondaryAction={
          manage && (tags.data?.length ?? 0) > 1 ? (
            <Button variant="tertiary" onClick={() => setMerging(true)} data-testid="ci-tag-merge">
              {t('tags.merge')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        {ruleRun.progress && <Box paddingBottom={4}>{ruleRun.progress}</Box>}
        <Box paddingBottom={4} maxWidth="420px">
          <Searchbar
            name="tag-search"
            value={search}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
            onClear={() => setSearch('')}
            clearLabel={t('action.clear')}
            placeholder={t('tags.search')}
          >
            {t('tags.search')}
          </Searchbar>
        </Box>
        <Box data-testid="ci-tag-center">{body}</Box>
        {editing && <TagDialog tag={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={done} />}
        {bulk && <BulkDialog tag={bulk} onClose={() => setBulk(null)} onDone={done} />}
        {logOf && <RuleLogDialog tag={logOf} onClose={() => setLogOf(null)} />}
        {merging && tags.data && <MergeDialog tags={tags.data} onClose={() => setMerging(false)} onDone={done} />}
      </Layouts.Content>
    </Page.Main>
  );
};
