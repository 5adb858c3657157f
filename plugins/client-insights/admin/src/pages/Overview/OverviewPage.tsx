import { Flex } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useT } from '../../utils/translate';
import { CountsRow } from './CountsRow';
import { KpiCards } from './KpiCards';

export const OverviewPage = () => {
  const t = useT();
  return (
    <Page.Main>
      <Page.Title>{t('overview.title')}</Page.Title>
      <Layouts.Header title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <CountsRow />
          <KpiCards />
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
