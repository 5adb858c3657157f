import * as React from 'react';
import { DatePicker, Field, TextInput } from '@strapi/design-system';
import type { ApiError } from '../api/client';
import { useT } from '../utils/translate';

/**
 * A follow-up task's title and due date, as every dialog that creates tasks asks them; a refusal
 * shows next to the field its JSON pointer names (/title, and `dueAt` for the date).
 */
export const TaskFields = ({
  title,
  onTitle,
  due,
  onDue,
  error,
  dueAt = '/dueAt',
}: {
  title: string;
  onTitle: (title: string) => void;
  due: Date | undefined;
  onDue: (due: Date | undefined) => void;
  error: ApiError | null;
  dueAt?: string;
}) => {
  const t = useT();
  return (
    <>
      <Field.Root name="title" required error={error?.at('/title')}>
        <Field.Label>{t('task.title')}</Field.Label>
        <TextInput value={title} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onTitle(e.target.value)} />
        <Field.Error />
      </Field.Root>
      <Field.Root name="due" error={error?.at(dueAt)}>
        <Field.Label>{t('task.due')}</Field.Label>
        <DatePicker value={due} onChange={(d: Date | undefined) => onDue(d)} onClear={() => onDue(undefined)} />
        <Field.Error />
      </Field.Root>
    </>
  );
};
