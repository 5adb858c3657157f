import * as React from 'react';
import { Box, Button, Field, Flex, Textarea, Typography } from '@strapi/design-system';
import { useT } from '../../utils/translate';
import { rootFromRule, UnsupportedRule, type Group } from './model';

/** The rule as JSON; edits are applied when they parse and the builder can show them. */
export const JsonView = ({ rule, onApply }: { rule: unknown; onApply: (root: Group) => void }) => {
  const t = useT();
  const pretty = JSON.stringify(rule, null, 2);
  const [text, setText] = React.useState(pretty);
  const [error, setError] = React.useState<string | null>(null);
  // Follow the visual editor while the JSON has not been touched.
  const [dirty, setDirty] = React.useState(false);
  React.useEffect(() => {
    if (!dirty) setText(pretty);
  }, [pretty, dirty]);
  const apply = () => {
    try {
      const parsed = JSON.parse(text);
      onApply(rootFromRule(parsed));
      setError(null);
      setDirty(false);
    } catch (e) {
      setError(e instanceof UnsupportedRule ? t('json.unsupported', { reason: e.message }) : t('json.invalid', { reason: (e as Error).message }));
    }
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Field.Root error={error ?? undefined} name="rule-json">
        <Field.Label>{t('json.label')}</Field.Label>
        <Textarea
          value={text}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => {
            setText(e.target.value);
            setDirty(true);
          }}
          style={{ fontFamily: 'monospace', minHeight: 260 }}
          data-testid="ci-json"
        />
        <Field.Error />
      </Field.Root>
      <Flex gap={2}>
        <Button onClick={apply} disabled={!dirty} data-testid="ci-json-apply">
          {t('json.apply')}
        </Button>
        <Button
          variant="tertiary"
          disabled={!dirty}
          onClick={() => {
            setText(pretty);
            setDirty(false);
            setError(null);
          }}
        >
          {t('json.reset')}
        </Button>
        {dirty && (
          <Typography variant="pi" textColor="neutral600">
            {t('json.pending')}
          </Typography>
        )}
      </Flex>
      <Box />
    </Flex>
  );
};
