import { Typography } from '@strapi/design-system';
import type { RuleWarning } from '../../../../shared/contracts/rules';
import { useT } from '../../utils/translate';
import { shownWarnings, useWarningText } from './warningText';

/** The errors and warnings shown under one condition or group. */
export const NodeMessages = ({ errors, warnings }: { errors: string[]; warnings: RuleWarning[] }) => {
  const t = useT();
  const text = useWarningText();
  const { shown, moreDuplicates } = shownWarnings(warnings);
  return (
    <>
      {errors.map((m) => (
        <Typography key={m} variant="pi" textColor="danger600" tag="p" role="alert" data-testid="ci-condition-error">
          {m}
        </Typography>
      ))}
      {shown.map((w, i) => (
        <Typography key={`${w.code}-${i}`} variant="pi" textColor="warning700" tag="p" data-testid="ci-condition-warning">
          {text.message(w)}
        </Typography>
      ))}
      {moreDuplicates > 0 && (
        <Typography variant="pi" textColor="warning700" tag="p" data-testid="ci-condition-warning-more">
          {t('warning.duplicateMore', { count: moreDuplicates })}
        </Typography>
      )}
    </>
  );
};
