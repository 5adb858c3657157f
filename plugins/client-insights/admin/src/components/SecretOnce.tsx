import { Box, Button, Typography } from '@strapi/design-system';
import { useT } from '../utils/translate';

/** A signing secret the server answered once (on creation or rotation) and never again: shown until closed. */
export const SecretOnce = ({ secret, message, onClose, testid }: { secret: string; message: string; onClose: () => void; testid: string }) => {
  const t = useT();
  return (
    <Box padding={5} background="neutral0" hasRadius shadow="tableShadow" data-testid={testid}>
      <Typography variant="delta">{message}</Typography>
      <Box paddingTop={2} paddingBottom={4}>
        <Typography fontWeight="bold" data-testid={`${testid}-value`}>
          {secret}
        </Typography>
      </Box>
      <Button onClick={onClose}>{t('action.close')}</Button>
    </Box>
  );
};
