import * as React from 'react';
import { Box, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { PLUGIN_ID } from '../../../shared/permissions';
import { useCatalogue, useSegmentOptions, useTagOptions } from '../api/useCatalogue';
import { describeRule, type RuleWords, type Sentence } from '../features/rule-builder/describe';
import en from '../translations/en.json';

/** The words describeRule needs, in the admin's language: messages, the catalogue, tag and segment names. */
const useRuleWords = (): RuleWords | null => {
  const intl = useIntl();
  const catalogue = useCatalogue();
  const tags = useTagOptions();
  const segments = useSegmentOptions();
  if (!catalogue.data) return null;
  const english = en as Record<string, string>;
  return {
    locale: intl.locale,
    message: (key, values) => {
      const id = `${PLUGIN_ID}.${key}`;
      if (!intl.messages[id] && english[key] === undefined) return undefined;
      return intl.formatMessage({ id, defaultMessage: english[key] }, values);
    },
    fields: catalogue.data.fields,
    tagName: (slug) => tags.data?.find((t) => t.slug === slug)?.name,
    segmentName: (key) => segments.data?.find((s) => s.key === key)?.name,
  };
};

const Lines = ({ sentences }: { sentences: Sentence[] }) => (
  <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }}>
    {sentences.map((s, i) => (
      <li key={i}>
        <Typography>{s.text}</Typography>
        {s.children && <Lines sentences={s.children} />}
      </li>
    ))}
  </Box>
);

/** A saved rule as sentences (features/rule-builder/describe.ts); `fallback` when it cannot be written so. */
export const RuleSentences = ({ rule, fallback }: { rule: unknown; fallback: React.ReactNode }) => {
  const words = useRuleWords();
  if (!words) return null;
  const sentences = describeRule(rule, words);
  if (!sentences) return <>{fallback}</>;
  return (
    <Box data-testid="ci-rule-sentences">
      <Lines sentences={sentences} />
    </Box>
  );
};
