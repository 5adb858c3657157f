import { Flex, Typography } from '@strapi/design-system';
import { pointerUnder } from '../../../shared/errors';
import type { ApiError } from '../api/client';
import { useT } from '../utils/translate';

/**
 * The server's refusal where the user acted: the messages of the errors no field of the form
 * shows (`shownAt`: the pointers the form's fields show themselves), or the refusal's message
 * when it names no field. Errors in a rule are also shown at its conditions, and said so.
 */
export const RefusalMessages = ({ error, shownAt = [] }: { error: ApiError | null | undefined; shownAt?: string[] }) => {
  const t = useT();
  if (!error) return null;
  const rest = error.errors.filter((e) => !shownAt.some((p) => pointerUnder(e.path, p) !== null));
  if (error.errors.length > 0 && rest.length === 0) return null;
  const inRule = rest.some((e) => pointerUnder(e.path, '/rule') !== null);
  return (
    <Flex direction="column" alignItems="flex-start" gap={1} paddingTop={4} role="alert" data-testid="ci-refusal">
      {inRule && <Typography textColor="danger600">{t('refusal.rule')}</Typography>}
      {(rest.length ? rest.map((e) => e.message) : [error.message]).map((message) => (
        <Typography key={message} textColor="danger600">
          {message}
        </Typography>
      ))}
    </Flex>
  );
};
