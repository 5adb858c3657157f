import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useEnumLabel, useT } from '../../utils/translate';
import type { RuleWarning } from '../../../../shared/contracts/rules';
import { findNode, nodeForPointer, removeNode, type Group, type Pointers } from './model';

/** Contradiction / always-true / duplicate / empty warnings, each with its suggested fix. */
export const WarningsPanel = ({
  warnings,
  pointers,
  root,
  setRoot,
}: {
  warnings: RuleWarning[];
  pointers: Pointers;
  root: Group;
  setRoot: (g: Group) => void;
}) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  if (warnings.length === 0) return null;
  return (
    <Box padding={4} background="warning100" hasRadius borderColor="warning200" borderStyle="solid" borderWidth="1px" data-testid="ci-warnings">
      <Flex direction="column" alignItems="stretch" gap={3}>
        {warnings.map((w, i) => {
          // A fix we can apply: drop one of the conflicting conditions (or the branch).
          const targets = (w.conditions?.length ? w.conditions : [w.path])
            .map((p) => nodeForPointer(pointers, p))
            .filter((id): id is string => !!id && id !== root.id && !!findNode(root, id));
          return (
            <Box key={`${w.kind}-${w.path}-${i}`} data-testid={`ci-warning-${w.kind}`}>
              <Typography fontWeight="bold" textColor="warning700">
                {enumLabel('warning', w.kind)}
              </Typography>
              <Typography tag="p">{w.message}</Typography>
              {w.suggestion && (
                <Typography tag="p" textColor="neutral700">
                  {t('warning.suggestion')}: {w.suggestion}
                </Typography>
              )}
              {(w.kind === 'contradiction' || w.kind === 'always_true') && targets.length > 0 && (
                <Flex gap={2} paddingTop={2} wrap="wrap">
                  {[...new Set(targets)].map((id, n) => (
                    <Button key={id} size="S" variant="secondary" onClick={() => setRoot(removeNode(root, id))} data-testid="ci-warning-fix">
                      {t('warning.removeCondition', { n: n + 1 })}
                    </Button>
                  ))}
                </Flex>
              )}
            </Box>
          );
        })}
      </Flex>
    </Box>
  );
};
