import { Typography } from '@strapi/design-system';
import type { RuleWarning } from '../../../../shared/contracts/rules';
import { useWarningText } from './warningText';

/** The errors and warnings shown under one condition or group. */
export const NodeMessages = ({ errors, warnings }: { errors: string[]; warnings: RuleWarning[] }) => {
  const text = useWarningText();
  return (
    <>
      {errors.map((m) => (
        <Typography key={m} variant="pi" textColor="danger600" tag="p" role="alert" data-testid="ci-condition-error">
          {m}
        </Typography>
      ))}
      {warnings.map((w, i) => (
        <Typography key={`${w.code}-${i}`} variant="pi" textColor="warning700" tag="p" data-testid="ci-condition-warning">
          {text.message(w)}
        </Typography>
      ))}
    </>
  );
};
