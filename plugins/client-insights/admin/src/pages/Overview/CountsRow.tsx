import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { overviewApi, type Counts } from '../../../../shared/contracts/overview';
import { useApi } from '../../api/useApi';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

const ORDER: { key: keyof Counts; label: MessageKey }[] = [
  { key: 'customer', label: 'counts.customer' },
  { key: 'segment', label: 'counts.segment' },
  { key: 'tag', label: 'counts.tag' },
  { key: 'order', label: 'counts.order' },
  { key: 'interaction', label: 'counts.interaction' },
];

/** The five record counts from GET /overview/counts. */
export const CountsRow = () => {
  const t = useT();
  const { data, error, isLoading, reload } = useApi(overviewApi.counts, {});
  if (isLoading) return <SectionLoading />;
  if (error || !data) return <SectionError error={error} onRetry={reload} />;
  if (Object.values(data).every((n) => n === 0)) return <SectionEmpty message={t('counts.empty')} />;
  return (
    <Grid.Root gap={4} data-testid="ci-counts">
      {ORDER.map(({ key, label }) => (
        <Grid.Item key={key} col={2} s={4} xs={6} direction="column" alignItems="stretch">
          <Box background="neutral0" shadow="tableShadow" hasRadius padding={4} data-testid={`ci-count-${key}`}>
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="sigma" textColor="neutral600">
                {t(label)}
              </Typography>
              <Typography variant="alpha" data-value={data[key]}>
                {data[key].toLocaleString()}
              </Typography>
            </Flex>
          </Box>
        </Grid.Item>
      ))}
    </Grid.Root>
  );
};
