import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useEnumLabel, useT } from '../../utils/translate';
import type { RuleWarning } from '../../../../shared/contracts/rules';
import { useBuilder } from './context';
import { nodeForPointer, removeNode, type Pointers } from './model';
import { shownWarnings, useWarningText } from './warningText';

/**
 * Contradiction / always-true / duplicate / empty warnings in the admin's language, each with its
 * suggested fix; a contradiction or always-true offers to remove each condition, named.
 * `pointers` is the same object while the tree's shape is, so typing does not re-render this.
 */
export const WarningsPanel = React.memo(function WarningsPanel({
  warnings,
  pointers,
  rootId,
}: {
  warnings: RuleWarning[];
  pointers: Pointers;
  rootId: string;
}) {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { edit } = useBuilder();
  const text = useWarningText();
  if (warnings.length === 0) return null;
  const { shown, moreDuplicates } = shownWarnings(warnings);
  return (
    <Box padding={4} background="warning100" hasRadius borderColor="warning200" borderStyle="solid" borderWidth="1px" data-testid="ci-warnings">
      <Flex direction="column" alignItems="stretch" gap={3}>
        {shown.map((w, i) => {
          // A fix we can apply: drop one of the conflicting conditions (or the branch).
          const named = (w.params.conditions ?? []).map((c, n) => ({ id: nodeForPointer(pointers, w.conditions?.[n] ?? w.path), name: text.condition(c) }));
          const targets = [...new Map(named.filter((x): x is { id: string; name: string } => !!x.id && x.id !== rootId).map((x) => [x.id, x])).values()];
          return (
            <Box key={`${w.kind}-${w.path}-${i}`} data-testid={`ci-warning-${w.kind}`} data-code={w.code}>
              <Typography fontWeight="bold" textColor="warning700">
                {enumLabel('warning', w.kind)}
              </Typography>
              <Typography tag="p" data-testid="ci-warning-message">
                {text.message(w)}
              </Typography>
              <Typography tag="p" textColor="neutral700" data-testid="ci-warning-suggestion">
                {t('warning.suggestion')}: {text.suggestion(w)}
              </Typography>
              {(w.kind === 'contradiction' || w.kind === 'always_true') && targets.length > 0 && (
                <Flex gap={2} paddingTop={2} wrap="wrap">
                  {targets.map(({ id, name }) => (
                    <Button key={id} size="S" variant="secondary" onClick={() => edit((root) => removeNode(root, id))} data-testid="ci-warning-fix">
                      {t('warning.removeCondition', { name })}
                    </Button>
                  ))}
                </Flex>
              )}
            </Box>
          );
        })}
        {moreDuplicates > 0 && (
          <Typography tag="p" textColor="warning700" data-testid="ci-warning-duplicate-more">
            {t('warning.duplicateMore', { count: moreDuplicates })}
          </Typography>
        )}
      </Flex>
    </Box>
  );
});
