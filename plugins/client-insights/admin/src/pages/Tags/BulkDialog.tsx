import * as React from 'react';
import { Badge, Box, Button, Field, Flex, Modal, Radio, SingleSelect, SingleSelectOption, Textarea, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { useSegmentOptions, useTagOptions } from '../../api/useCatalogue';
import { useT } from '../../utils/translate';
import { RefusalMessages } from '../../components/Refusal';
import { CustomerFilters, usePickedFilterBadges, type FilterValues } from '../Customers/CustomerFilters';

type Target = 'segment' | 'ids' | 'filter';

/**
 * Apply or remove a tag for a segment's current members, a list of customer ids, or the
 * customers of a filtered customer list. From the tag center the tag is given and the target is
 * chosen; from the customer list (`filter`, `count`) the list's filter is fixed and the tag is chosen.
 */
export const BulkDialog = ({
  tag: givenTag,
  filter: listFilter,
  count,
  onClose,
  onDone,
}: {
  tag: Tag | null;
  filter?: Record<string, string>;
  count?: number;
  onClose: () => void;
  onDone: () => void;
}) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const segments = useSegmentOptions();
  const tags = useTagOptions();
  const filterBadges = usePickedFilterBadges();
  const [tagId, setTagId] = React.useState<string | undefined>(givenTag ? String(givenTag.id) : undefined);
  const tag = givenTag ?? tags.data?.find((x) => String(x.id) === tagId) ?? null;
  const [action, setAction] = React.useState<'apply' | 'remove'>('apply');
  const [target, setTarget] = React.useState<Target>(listFilter ? 'filter' : 'segment');
  const [filter, setFilter] = React.useState<FilterValues>({});
  const [segment, setSegment] = React.useState<string | undefined>();
  const [ids, setIds] = React.useState('');
  const [error, setError] = React.useState<ApiError | null>(null);
  const [busy, setBusy] = React.useState(false);
  const parsedIds = ids
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
  const idsValid = parsedIds.length > 0 && parsedIds.every((n) => Number.isInteger(n) && n > 0);
  const run = async () => {
    setBusy(true);
    setError(null);
    if (!tag) return;
    const body =
      target === 'segment'
        ? { action, segment: Number(segment) }
        : target === 'ids'
          ? { action, customerIds: parsedIds }
          : // The list's URL filters are text; the server reads numbers and flags from it as the list does.
            { action, filter: (listFilter ?? filter) as Record<string, never> };
    try {
      const { data } = await api.request(tagsApi.bulk, { params: { id: tag.id }, body });
      toggleNotification({ type: 'success', message: t(action === 'apply' ? 'tags.bulk.applied' : 'tags.bulk.removed', { n: data.affected, name: tag.name }) });
      if (data.missing.length)
        toggleNotification({ type: 'warning', message: t('tags.bulk.missing', { n: data.missing.length, ids: data.missing.slice(0, 20).join(', ') }) });
      onDone();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{tag ? t('tags.bulk.title', { name: tag.name }) : t('customers.tagThese')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {!givenTag && (
            <Box data-testid="ci-bulk-tag">
              {' '}
              <Field.Root name="tag">
                <Field.Label>{t('customers.filter.tag')}</Field.Label>
                <SingleSelect value={tagId} onChange={(v: string | number) => setTagId(String(v))} placeholder={t('builder.value.tag')}>
                  {(tags.data ?? []).map((x) => (
                    <SingleSelectOption key={x.id} value={String(x.id)}>
                      {x.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            </Box>
          )}
          <Field.Root name="action">
            <Field.Label>{t('tags.bulk.action')}</Field.Label>
            <Radio.Group value={action} onValueChange={(v: string) => setAction(v as 'apply' | 'remove')} aria-label={t('tags.bulk.action')}>
              <Radio.Item value="apply">{t('tags.bulk.apply')}</Radio.Item>
              <Radio.Item value="remove">{t('tags.bulk.remove')}</Radio.Item>
            </Radio.Group>
          </Field.Root>
          {listFilter ? (
            <Flex direction="column" alignItems="flex-start" gap={2} paddingTop={3} data-testid="ci-bulk-list-filter">
              <Typography variant="sigma" textColor="neutral600">
                {t('tags.bulk.filter')}
              </Typography>
              <Flex gap={2} wrap="wrap">
                {filterBadges(listFilter).map((b) => (
                  <Badge key={b}>{b}</Badge>
                ))}
              </Flex>
              {count !== undefined && <Typography>{t('tags.bulk.count', { n: count.toLocaleString() })}</Typography>}
            </Flex>
          ) : (
            <Field.Root name="target">
              <Field.Label>{t('tags.bulk.target')}</Field.Label>
              <Radio.Group value={target} onValueChange={(v: string) => setTarget(v as Target)} aria-label={t('tags.bulk.target')}>
                <Radio.Item value="segment">{t('tags.bulk.segment')}</Radio.Item>
                <Radio.Item value="ids">{t('tags.bulk.ids')}</Radio.Item>
                <Radio.Item value="filter">{t('tags.bulk.filter')}</Radio.Item>
              </Radio.Group>
            </Field.Root>
          )}
          {target === 'filter' ? (
            !listFilter && (
              <Flex direction="column" alignItems="stretch" gap={2} paddingTop={3}>
                <CustomerFilters value={filter} onChange={setFilter} />
                {Object.keys(filter).length === 0 && <Typography textColor="neutral600">{t('tags.bulk.filterNone')}</Typography>}
              </Flex>
            )
          ) : target === 'segment' ? (
            <Field.Root name="segment" error={error?.at('/segment')}>
              <Field.Label>{t('nav.segments')}</Field.Label>
              <SingleSelect value={segment} onChange={(v: string | number) => setSegment(String(v))} placeholder={t('builder.value.segment')}>
                {(segments.data ?? []).map((s) => (
                  <SingleSelectOption key={s.id} value={String(s.id)}>
                    {s.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          ) : (
            <Field.Root name="ids" hint={t('tags.bulk.idsHint')} error={ids && !idsValid ? t('tags.bulk.idsInvalid') : error?.at('/customerIds')}>
              <Field.Label>{t('tags.bulk.ids')}</Field.Label>
              <Textarea value={ids} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setIds(e.target.value)} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          )}
          <RefusalMessages error={error} shownAt={target === 'segment' ? ['/segment'] : target === 'ids' ? ['/customerIds'] : []} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button
            onClick={run}
            loading={busy}
            data-testid="ci-bulk-run"
            disabled={!tag || (target === 'segment' ? !segment : target === 'ids' ? !idsValid : false)}
            variant={action === 'remove' ? 'danger' : 'default'}
          >
            {action === 'apply' ? t('tags.bulk.apply') : t('tags.bulk.remove')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
