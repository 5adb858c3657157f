import { Box, Flex, Typography } from '@strapi/design-system';

export const ChartCard = ({
  title,
  help,
  actions,
  children,
  testid,
}: {
  title: string;
  help?: string;
  actions?: React.ReactNode;
  children: React.ReactNode;
  testid?: string;
}) => (
  <Box padding={4} background="neutral0" shadow="tableShadow" hasRadius height="100%" data-testid={testid}>
    <Flex justifyContent="space-between" alignItems="flex-start" paddingBottom={2} gap={2}>
      <Flex direction="column" alignItems="flex-start">
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {help && (
          <Typography variant="pi" textColor="neutral600">
            {help}
          </Typography>
        )}
      </Flex>
      {actions}
    </Flex>
    {children}
  </Box>
);
