import { Box, Button, EmptyStateLayout, Flex, Loader, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { errorMessage } from '../api/useApi';
import { useT } from '../utils/translate';

/** Inline loading / error / empty states for a section of a page (the whole page uses Page.*). */
export const SectionLoading = () => {
  const t = useT();
  return (
    <Flex justifyContent="center" padding={6}>
      <Loader small>{t('state.loading')}</Loader>
    </Flex>
  );
};

export const SectionError = ({ error, onRetry }: { error: unknown; onRetry?: () => void }) => {
  const t = useT();
  return (
    <Box padding={4} background="danger100" hasRadius role="alert">
      <Flex gap={3} alignItems="center">
        <WarningCircle fill="danger600" />
        <Typography textColor="danger700">
          {t('state.error')}: {errorMessage(error)}
        </Typography>
        {onRetry && (
          <Button variant="tertiary" size="S" onClick={onRetry}>
            {t('action.retry')}
          </Button>
        )}
      </Flex>
    </Box>
  );
};

export const SectionEmpty = ({ message, action }: { message: string; action?: React.ReactNode }) => (
  <EmptyStateLayout content={message} action={action} icon={null as any} />
);
