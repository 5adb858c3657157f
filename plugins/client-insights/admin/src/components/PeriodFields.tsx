import { Box, Field, TextInput } from '@strapi/design-system';
import * as React from 'react';
import { toApiError } from '../api/client';
import { isoDay } from '../pages/Reports/format';
import { useT, type MessageKey } from '../utils/translate';

export type Period = { from: string; to: string };

/** A period ending today, `days` long, unless the address names its ends (`?from=…&to=…`). */
export const usePeriod = (days: number, search?: URLSearchParams) =>
  React.useState<Period>(() => {
    const today = new Date();
    return {
      from: search?.get('from') ?? isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1))),
      to: search?.get('to') ?? isoDay(today),
    };
  });

/** The message the server gave for one end of the period, if it refused it. */
export const periodError = (error: unknown, field: keyof Period) => (error ? toApiError(error).errors.find((e) => e.path === `/${field}`)?.message : undefined);

/** From and to date inputs; a refused end shows the server's message under it. */
export const PeriodFields = ({ name, period, onChange, error }: { name: string; period: Period; onChange: (p: Period) => void; error: unknown }) => {
  const t = useT();
  return (
    <>
      {(['from', 'to'] as const).map((field) => (
        <Box key={field} minWidth="170px">
          <Field.Root name={`${name}-${field}`} error={periodError(error, field) || undefined}>
            <Field.Label>{t(`reports.${field}` as MessageKey)}</Field.Label>
            <TextInput
              type="date"
              value={period[field]}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => e.target.value && onChange({ ...period, [field]: e.target.value })}
              data-testid={`ci-${name}-${field}`}
            />
            <Field.Error />
          </Field.Root>
        </Box>
      ))}
    </>
  );
};
