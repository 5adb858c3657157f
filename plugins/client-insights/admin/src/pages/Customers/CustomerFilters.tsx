import * as React from 'react';
import { Box, Field, Flex, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import { useAuth } from '@strapi/strapi/admin';
import { STAGES } from '../../../../shared/enums';
import { useSegmentOptions, useTagOptions } from '../../api/useCatalogue';
import { useEnumLabel, useT } from '../../utils/translate';

/** The filters a person sets by hand; the value-chart drill-downs arrive in the URL only. */
export const PICKED_FILTERS = ['stage', 'region', 'tag', 'owner', 'segment'] as const;
export type PickedFilter = (typeof PICKED_FILTERS)[number];
export type FilterValues = Partial<Record<PickedFilter, string>>;

const ANY = '__any';

/**
 * Stage, region, tag, owner and segment pickers for the customer list's filter
 * (shared/contracts/customers.ts): the list and the tag center's bulk apply share them.
 */
export const CustomerFilters = ({ value, onChange }: { value: FilterValues; onChange: (next: FilterValues) => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const me = useAuth('CustomerFilters', (s: any) => s.user?.id as number | undefined);
  const tags = useTagOptions();
  const segments = useSegmentOptions();
  const [region, setRegion] = React.useState(value.region ?? '');
  React.useEffect(() => setRegion(value.region ?? ''), [value.region]);
  const set = (key: PickedFilter, v: string | undefined) => {
    const next = { ...value };
    if (v && v !== ANY) next[key] = v;
    else delete next[key];
    onChange(next);
  };
  const select = (key: PickedFilter, label: string, options: Array<[string, string]>) => (
    <Box minWidth="180px" data-testid={`ci-filter-${key}`}>
      <Field.Root name={`filter-${key}`}>
        <Field.Label>{label}</Field.Label>
        <SingleSelect value={value[key] ?? ANY} onChange={(v: string | number) => set(key, String(v))}>
          <SingleSelectOption value={ANY}>{t('customers.filter.any')}</SingleSelectOption>
          {options.map(([v, text]) => (
            <SingleSelectOption key={v} value={v}>
              {text}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Field.Root>
    </Box>
  );
  const owners: Array<[string, string]> = me ? [[String(me), t('customers.filter.mine')]] : [];
  if (value.owner && value.owner !== String(me)) owners.push([value.owner, t('segments.owner.user', { id: value.owner })]);
  return (
    <Flex gap={3} wrap="wrap" alignItems="flex-end" data-testid="ci-customer-filter-fields">
      {select(
        'stage',
        t('customer.stage'),
        STAGES.map((s) => [s, enumLabel('enum', s)])
      )}
      <Box minWidth="180px">
        <Field.Root name="filter-region" hint={t('customers.filter.regionHint')}>
          <Field.Label>{t('customer.region')}</Field.Label>
          <TextInput
            value={region}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setRegion(e.target.value)}
            onBlur={() => set('region', region.trim())}
            onKeyDown={(e: React.KeyboardEvent) => e.key === 'Enter' && set('region', region.trim())}
            data-testid="ci-filter-region"
          />
        </Field.Root>
      </Box>
      {select(
        'tag',
        t('customers.filter.tag'),
        (tags.data ?? []).map((tag) => [tag.slug, tag.name])
      )}
      {select('owner', t('customers.filter.owner'), owners)}
      {select(
        'segment',
        t('customers.filter.segment'),
        (segments.data ?? []).map((s) => [s.key, s.name])
      )}
    </Flex>
  );
};

/** Badges for the picked filters: names instead of slugs and keys. */
export const usePickedFilterBadges = () => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const me = useAuth('CustomerFilters', (s: any) => s.user?.id as number | undefined);
  const tags = useTagOptions();
  const segments = useSegmentOptions();
  return (value: FilterValues): string[] => [
    ...(value.stage ? [enumLabel('enum', value.stage)] : []),
    ...(value.region ? [t('customers.filter.regionIs', { region: value.region })] : []),
    ...(value.tag ? [t('customers.filter.tagIs', { name: tags.data?.find((x) => x.slug === value.tag)?.name ?? value.tag })] : []),
    ...(value.owner
      ? [value.owner === String(me) ? t('customers.filter.mine') : t('customers.filter.ownerIs', { name: t('segments.owner.user', { id: value.owner }) })]
      : []),
    ...(value.segment ? [t('customers.filter.segmentIs', { name: segments.data?.find((s) => s.key === value.segment)?.name ?? value.segment })] : []),
  ];
};
