import * as React from 'react';
import { Box, Button, Flex, Grid, Link as DSLink, Tabs, Typography } from '@strapi/design-system';
import { ArrowLeft, Pencil } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { NavLink, useNavigate, useParams } from 'react-router-dom';
import { useApi } from '../../api/useApi';
import { segmentsApi } from '../../../../shared/contracts/segments';
import { CsvButton } from '../../components/CsvButton';
import { useDateTime } from '../../components/Dates';
import { usePermissions } from '../../hooks/usePermissions';
import { pluginPath } from '../../utils/paths';
import { useT, type MessageKey } from '../../utils/translate';
import { RuleSentences } from '../../components/RuleSentences';
import { MembersTable } from './MembersTable';
import { MemberTrend } from './MemberTrend';
import { RunHistory } from './RunHistory';
import { RunNow } from './RunNow';
import { SegmentHistory } from './SegmentHistory';
import { StatusBadge, useOwnerLabel } from './SegmentBadges';

const Section = ({ title, children, actions }: { title: string; children: React.ReactNode; actions?: React.ReactNode }) => (
  <Box padding={5} background="neutral0" shadow="tableShadow" hasRadius>
    <Flex justifyContent="space-between" paddingBottom={3}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {actions}
    </Flex>
    {children}
  </Box>
);

export const SegmentDetailPage = () => {
  const t = useT();
  const { id } = useParams();
  const navigate = useNavigate();
  const { can } = usePermissions();
  const when = useDateTime();
  const owner = useOwnerLabel();
  const segment = useApi(segmentsApi.get, id ? { params: { id } } : null);
  const [version, setVersion] = React.useState(0);
  const [showJson, setShowJson] = React.useState(false);
  if (segment.isLoading && !segment.data) return <Page.Loading />;
  if (segment.error || !segment.data) return <Page.Error />;
  const s = segment.data;
  const facts: [MessageKey, React.ReactNode][] = [
    ['save.key', s.key],
    ['save.type', t(`segment.type.${s.type}`)],
    ['segments.col.status', <StatusBadge key="s" status={s.status} />],
    ['segments.col.members', s.memberCount.toLocaleString()],
    ['segments.col.lastRun', when(s.lastCalculatedAt)],
    ['save.priority', s.priority],
    ['save.schedule', s.schedule ? `${s.schedule.cron} (${s.schedule.timezone})` : t('schedule.none')],
    ['save.visibility', t(`visibility.${s.visibility}`)],
    ['segments.col.owner', owner(s.ownerId)],
  ];
  const json = (
    <Box tag="pre" padding={3} background="neutral100" hasRadius style={{ overflowX: 'auto', fontSize: 12 }} data-testid="ci-rule-json">
      {JSON.stringify(s.rule, null, 2)}
    </Box>
  );
  const refresh = () => {
    segment.reload();
    setVersion((v) => v + 1);
  };
  return (
    <Page.Main>
      <Page.Title>{s.name}</Page.Title>
      <Layouts.Header
        title={s.name}
        subtitle={s.description ?? undefined}
        navigationAction={
          <DSLink tag={NavLink} to={pluginPath('segments')} startIcon={<ArrowLeft />} data-testid="ci-segment-back">
            {t('segment.back')}
          </DSLink>
        }
        primaryAction={can['segments.run'] ? <RunNow segment={s} onDone={refresh} /> : undefined}
        secondaryAction={
          can['segments.update'] ? (
            <Button variant="tertiary" startIcon={<Pencil />} onClick={() => navigate(pluginPath(`builder/${s.id}`))}>
              {t('segments.editRule')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Tabs.Root defaultValue="overview">
          <Tabs.List aria-label={t('segment.tabs')}>
            <Tabs.Trigger value="overview" data-testid="ci-tab-overview">
              {t('segment.tab.overview')}
            </Tabs.Trigger>
            <Tabs.Trigger value="history" data-testid="ci-tab-history">
              {t('segment.tab.history')}
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="overview">
            <Flex direction="column" alignItems="stretch" gap={5} paddingTop={5}>
              <Section title={t('segment.details')}>
                <Grid.Root gap={4}>
                  {facts.map(([label, value]) => (
                    <Grid.Item key={label} col={4} s={6} xs={12} direction="column" alignItems="flex-start">
                      <Typography variant="sigma" textColor="neutral600">
                        {t(label)}
                      </Typography>
                      <Typography>{value}</Typography>
                    </Grid.Item>
                  ))}
                </Grid.Root>
              </Section>
              <Section
                title={t('segment.rule')}
                actions={
                  <Button variant="tertiary" size="S" onClick={() => setShowJson((v) => !v)} aria-expanded={showJson} data-testid="ci-rule-json-toggle">
                    {t(showJson ? 'segment.hideJson' : 'segment.showJson')}
                  </Button>
                }
              >
                <RuleSentences
                  rule={s.rule}
                  fallback={
                    !showJson && (
                      <>
                        <Typography textColor="neutral600">{t('segment.ruleUnsupported')}</Typography>
                        {json}
                      </>
                    )
                  }
                />
                {showJson && (
                  <Box paddingTop={3}>
                    <Typography variant="sigma" textColor="neutral600">
                      {t('json.label')}
                    </Typography>
                    {json}
                  </Box>
                )}
              </Section>
              <Section title={t('segment.trend')}>
                <MemberTrend key={version} segmentId={s.id} />
              </Section>
              <Section title={t('runs.title')}>
                <RunHistory key={version} segmentId={s.id} />
              </Section>
              <Section
                title={t('segment.members')}
                actions={
                  can.export && s.currentResult ? (
                    <CsvButton request={{ source: 'segmentResult', result: s.currentResult.executionId }} filename={`${s.key}-members.csv`} />
                  ) : undefined
                }
              >
                <MembersTable key={version} of={{ segmentId: s.id }} emptyMessage={t('segment.noMembers')} />
              </Section>
            </Flex>
          </Tabs.Content>
          <Tabs.Content value="history">
            <Box paddingTop={5}>
              <Section title={t('segment.tab.history')}>
                <SegmentHistory key={version} segmentId={s.id} latestVersionChanged={refresh} />
              </Section>
            </Box>
          </Tabs.Content>
        </Tabs.Root>
      </Layouts.Content>
    </Page.Main>
  );
};
