import * as React from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { Link } from 'react-router-dom';
import { valuesApi, type ValueGroupQuery } from '../../../../shared/contracts/values';
import { useApi } from '../../api/useApi';
import { pluginPath } from '../../utils/paths';
import { useT } from '../../utils/translate';

/** A chart cell or bubble being hovered: what it is called and the group of scores it stands for. */
export type Hovered = { title: string; query: ValueGroupQuery };

/** Waits this long on one cell before asking the server, so sweeping the mouse across a chart sends nothing. */
const SETTLE_MS = 120;
const fmt = (v: number | null, digits = 1) => (v === null ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));

/**
 * What the chart under the mouse stands for: `hover(item)` from the chart's onHover, and the
 * panel that shows the hovered group's size, averages and highest-CLV customers (GET
 * /values/groups). The panel keeps the last group after the mouse leaves, so it can be read.
 */
export const useHoverDetails = () => {
  const [hovered, setHovered] = React.useState<Hovered | null>(null);
  const [settled, setSettled] = React.useState<Hovered | null>(null);
  const key = hovered ? JSON.stringify(hovered.query) : null;
  React.useEffect(() => {
    if (!hovered) return;
    const timer = setTimeout(() => setSettled(hovered), SETTLE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const hover = React.useCallback((next: Hovered | null) => {
    // Leaving the chart keeps what was shown; the same cell again changes nothing.
    if (next) setHovered((prev) => (prev && JSON.stringify(prev.query) === JSON.stringify(next.query) ? prev : next));
  }, []);
  return { hover, details: settled };
};

export const HoverDetails = ({ hovered, hint, testid }: { hovered: Hovered | null; hint: string; testid: string }) => {
  const t = useT();
  const group = useApi(valuesApi.groups, hovered ? { query: hovered.query } : null);
  const g = group.data;
  return (
    <Box
      paddingTop={3}
      paddingBottom={2}
      minHeight="120px"
      data-testid={testid}
      data-state={!hovered ? 'idle' : group.isLoading || !g ? 'loading' : 'ready'}
      data-customers={g?.customers}
    >
      {!hovered ? (
        <Typography variant="pi" textColor="neutral600">
          {hint}
        </Typography>
      ) : group.error ? (
        <Typography variant="pi" textColor="danger600">
          {group.error.message}
        </Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography variant="omega" fontWeight="bold">
            {hovered.title}
            {g && !group.isLoading ? ` · ${t('values.card.customers', { n: g.customers.toLocaleString() })}` : ` · ${t('values.hover.loading')}`}
          </Typography>
          {g && !group.isLoading && (
            <>
              <Grid.Root gap={2}>
                {(
                  [
                    ['values.hover.recency', g.avgRecencyDays, 0],
                    ['values.hover.frequency', g.avgFrequency, 1],
                    ['values.hover.monetary', g.avgMonetary, 0],
                    ['values.hover.clv', g.avgClv, 0],
                  ] as const
                ).map(([label, value, digits]) => (
                  <Grid.Item key={label} col={3} s={6} direction="column" alignItems="flex-start">
                    <Typography variant="pi" textColor="neutral600">
                      {t(label)}
                    </Typography>
                    <Typography variant="omega" fontWeight="semiBold">
                      {fmt(value, digits)}
                    </Typography>
                  </Grid.Item>
                ))}
              </Grid.Root>
              {g.representatives.length > 0 && (
                <Typography variant="pi" textColor="neutral700">
                  {t('values.hover.examples')}:{' '}
                  {g.representatives.map((c, i) => (
                    <React.Fragment key={c.id}>
                      {i > 0 && ', '}
                      <Link to={pluginPath(`customers/${c.id}`)}>{c.name ?? `#${c.id}`}</Link>
                      {c.clv !== null && ` (${fmt(c.clv, 0)})`}
                    </React.Fragment>
                  ))}
                </Typography>
              )}
            </>
          )}
        </Flex>
      )}
    </Box>
  );
};
