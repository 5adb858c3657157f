import { pluginPath } from '../../utils/paths';
import { Button, Flex, Tabs } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useNavigate } from 'react-router-dom';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';
import { SegmentList } from './SegmentList';
import { SegmentTree } from './SegmentTree';

export const SegmentsPage = () => {
  const t = useT();
  const navigate = useNavigate();
  const { can } = usePermissions();
  return (
    <Page.Main>
      <Page.Title>{t('nav.segments')}</Page.Title>
      <Layouts.Header
        title={t('segments.title')}
        subtitle={t('segments.subtitle')}
        primaryAction={
          can['segments.create'] ? (
            <Button startIcon={<Plus />} onClick={() => navigate(pluginPath('builder'))} data-testid="ci-new-segment">
              {t('segments.new')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Tabs.Root defaultValue="list" data-testid="ci-segments-page">
          <Tabs.List aria-label={t('segments.views')}>
            <Tabs.Trigger value="list">{t('segments.list')}</Tabs.Trigger>
            <Tabs.Trigger value="tree" data-testid="ci-tab-tree">
              {t('segments.tree')}
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="list">
            <Flex direction="column" alignItems="stretch" paddingTop={4}>
              <SegmentList />
            </Flex>
          </Tabs.Content>
          <Tabs.Content value="tree">
            <Flex direction="column" alignItems="stretch" paddingTop={4}>
              <SegmentTree />
            </Flex>
          </Tabs.Content>
        </Tabs.Root>
      </Layouts.Content>
    </Page.Main>
  );
};
