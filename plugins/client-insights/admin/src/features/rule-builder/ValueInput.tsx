import * as React from 'react';
import { Box, DatePicker, Flex, MultiSelect, MultiSelectOption, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useEnumLabel, useT } from '../../utils/translate';
import { useBuilder } from './context';
import type { Condition } from './model';
import { NumberField } from './NumberField';

const asDate = (v: unknown) => (typeof v === 'string' && v ? new Date(v) : undefined);
const dateValue = (d: Date | undefined | null) => (d ? new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString() : null);

/** Number, date, enum, tag or segment input, chosen from the subject's type and the operator. */
const ValueControl = ({ condition, fieldType, onChange }: { condition: Condition; fieldType: string; onChange: (value: unknown) => void }) => {
  const t = useT();
  const { locale } = useIntl();
  const enumLabel = useEnumLabel();
  const { fieldByPath, tags, segments } = useBuilder();
  const { op, value, subject } = condition;
  const field = subject.kind === 'field' ? fieldByPath.get(subject.path) : undefined;
  const testid = `ci-value-${condition.id}`;
  const aria = t('builder.value');

  const single = (v: unknown, set: (x: unknown) => void, suffix = '') => {
    if (fieldType === 'enum' && field?.enumValues) {
      return (
        <SingleSelect
          aria-label={aria}
          value={(v as string) ?? undefined}
          onChange={(x: string | number) => set(String(x))}
          placeholder={t('builder.value.pick')}
        >
          {field.enumValues.map((e) => (
            <SingleSelectOption key={e} value={e}>
              {enumLabel('enum', e)}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    }
    if (fieldType === 'datetime') {
      return <DatePicker aria-label={aria} locale={locale} value={asDate(v)} onChange={(d: Date | undefined) => set(dateValue(d))} onClear={() => set(null)} />;
    }
    if (fieldType === 'number') {
      return <NumberField aria-label={aria} name={testid + suffix} value={typeof v === 'number' ? v : null} onChange={set} />;
    }
    return (
      <TextInput
        aria-label={aria}
        name={testid + suffix}
        value={(v as string) ?? ''}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(e.target.value)}
      />
    );
  };

  switch (op) {
    case 'has_tag':
      return (
        <SingleSelect
          aria-label={t('builder.subject.tag')}
          value={(value as string) ?? undefined}
          onChange={(x: string | number) => onChange(String(x))}
          placeholder={t('builder.value.tag')}
        >
          {tags.map((tag) => (
            <SingleSelectOption key={tag.slug} value={tag.slug}>
              {`${tag.name} (${enumLabel('tag.category', tag.category)})`}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    case 'in_segment':
      return (
        <SingleSelect
          aria-label={t('builder.subject.segment')}
          value={(value as string) ?? undefined}
          onChange={(x: string | number) => onChange(String(x))}
          placeholder={t('builder.value.segment')}
        >
          {segments.map((s) => (
            <SingleSelectOption key={s.key} value={s.key}>
              {s.name}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    case 'within_days':
    case 'before_days':
      return (
        <Flex gap={2}>
          <NumberField aria-label={t('builder.days')} name={testid} value={typeof value === 'number' ? value : null} onChange={onChange} />
          <Typography>{t('builder.days')}</Typography>
        </Flex>
      );
    case 'between':
    case 'between_exclusive': {
      const [low, high] = Array.isArray(value) ? value : [null, null];
      return (
        <Flex gap={2}>
          {single(low, (x) => onChange([x, high]), '-low')}
          <Typography>{t('builder.and')}</Typography>
          {single(high, (x) => onChange([low, x]), '-high')}
        </Flex>
      );
    }
    case 'in':
      if (fieldType === 'enum' && field?.enumValues) {
        return (
          <MultiSelect
            aria-label={aria}
            value={Array.isArray(value) ? (value as string[]) : []}
            onChange={(x: string[]) => onChange(x)}
            placeholder={t('builder.value.pick')}
            withTags
          >
            {field.enumValues.map((e) => (
              <MultiSelectOption key={e} value={e}>
                {enumLabel('enum', e)}
              </MultiSelectOption>
            ))}
          </MultiSelect>
        );
      }
      return (
        <TextInput
          aria-label={t('builder.value.list')}
          name={testid}
          placeholder={t('builder.value.list')}
          value={Array.isArray(value) ? value.join(', ') : ''}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
            onChange(
              e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
                .map((s) => (fieldType === 'number' && !Number.isNaN(Number(s)) ? Number(s) : s))
            )
          }
        />
      );
    default:
      return single(value, onChange);
  }
};

/** The value control, wrapped so tests and styles can find it whatever the control is. */
export const ValueInput = (props: { condition: Condition; fieldType: string; onChange: (value: unknown) => void }) => (
  <Box data-testid={`ci-value-${props.condition.id}`}>
    <ValueControl {...props} />
  </Box>
);
