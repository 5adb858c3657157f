import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';
import type { ValueCard, ValueCards } from '../../../../shared/contracts/values';
import { VALUE_CARD_KINDS } from '../../../../shared/enums';
import { CsvButton } from '../../components/CsvButton';
import { useDateTime } from '../../components/Dates';
import { usePermissions } from '../../hooks/usePermissions';
import { useEnumLabel, useT, type MessageKey } from '../../utils/translate';
import { CardTasks } from './CardTasks';
import { ChartCard } from './ChartCard';
import { customersOf } from './drillDown';
import { QUADRANT_COLORS } from './quadrantColors';

const percent = (share: number) => `${(share * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`;

/** One RFM segment or quadrant: size, share, trend, the suggested strategy, and what to do with its customers. */
const StrategyCard = ({ card, data, onChanged }: { card: ValueCard; data: ValueCards; onChanged: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const navigate = useNavigate();
  const { can } = usePermissions();
  const name = enumLabel('enum', card.key);
  const filter = { [card.kind]: card.key };
  const from = when(data.previousCalculatedAt);
  const trend =
    card.change === null
      ? t('values.card.first')
      : card.change > 0
        ? t('values.card.up', { n: card.change.toLocaleString(), from })
        : card.change < 0
          ? t('values.card.down', { n: (-card.change).toLocaleString(), from })
          : t('values.card.same', { from });
  const accent = card.kind === 'quadrant' ? QUADRANT_COLORS[card.key] : '#4945ff';
  return (
    <Box
      padding={4}
      hasRadius
      borderColor="neutral200"
      background="neutral0"
      height="100%"
      style={{ borderTop: `4px solid ${accent}` }}
      data-testid={`ci-card-${card.kind}-${card.key}`}
      data-customers={card.customers}
      data-change={card.change ?? ''}
    >
      <Flex direction="column" alignItems="stretch" gap={2} height="100%">
        <Flex justifyContent="space-between" alignItems="baseline" gap={2}>
          <Typography variant="delta" tag="h3">
            {name}
          </Typography>
          <Typography variant="pi" textColor="neutral600">
            {percent(card.share)}
          </Typography>
        </Flex>
        <Typography variant="beta">{t('values.card.customers', { n: card.customers.toLocaleString() })}</Typography>
        <Typography variant="pi" textColor="neutral600" data-testid="ci-card-trend">
          {t('values.card.share', { share: percent(card.share) })} · {trend}
        </Typography>
        <Box paddingTop={1} paddingBottom={1} style={{ flexGrow: 1 }}>
          <Typography variant="sigma" textColor="neutral600">
            {t('values.card.strategy')}
          </Typography>
          <Typography variant="omega" tag="p" data-testid="ci-card-strategy">
            {t(`values.strategy.${card.strategy}` as MessageKey)}
          </Typography>
        </Box>
        <Flex gap={2} wrap="wrap">
          <Button size="S" variant="tertiary" disabled={card.customers === 0} onClick={() => navigate(customersOf(filter))} data-testid="ci-card-open">
            {t('values.card.open')}
          </Button>
          {can.export && card.customers > 0 && (
            <CsvButton request={{ source: 'customers', filter }} filename={`customers-${card.key}.csv`} label={t('values.card.export')} />
          )}
          <CardTasks card={card} name={name} onDone={onChanged} />
          {/* No automation exists yet: the action is shown, disabled, and says so rather than pretending. */}
          <Flex gap={2} alignItems="center">
            <Button size="S" variant="ghost" startIcon={<Play />} disabled title={t('values.card.automation.soon')} data-testid="ci-card-automation">
              {t('values.card.automation')}
            </Button>
            <Typography variant="pi" textColor="neutral500">
              {t('values.card.automation.soon')}
            </Typography>
          </Flex>
        </Flex>
      </Flex>
    </Box>
  );
};

/** The value page's strategy cards (GET /values/cards): one per RFM segment, then one per quadrant; `onChanged` reloads them. */
export const StrategyCards = ({ data, onChanged }: { data: ValueCards; onChanged: () => void }) => {
  const t = useT();
  return (
    <ChartCard title={t('values.cards')} help={t('values.cards.help', { scored: data.scored.toLocaleString() })} testid="ci-strategy-cards">
      <Flex direction="column" alignItems="stretch" gap={4}>
        {VALUE_CARD_KINDS.map((kind) => (
          <Box key={kind}>
            <Typography variant="sigma" textColor="neutral600" tag="h3">
              {t(`values.cards.${kind}`)}
            </Typography>
            <Grid.Root gap={3} paddingTop={2}>
              {data.cards
                .filter((c) => c.kind === kind)
                .map((card) => (
                  <Grid.Item key={card.key} col={kind === 'quadrant' ? 3 : 4} s={6} xs={12} direction="column" alignItems="stretch">
                    <StrategyCard card={card} data={data} onChanged={onChanged} />
                  </Grid.Item>
                ))}
            </Grid.Root>
          </Box>
        ))}
      </Flex>
    </ChartCard>
  );
};
