import * as React from 'react';
import { Button, Field, Modal, Radio, SingleSelect, SingleSelectOption, Textarea } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { useSegmentOptions } from '../../api/useCatalogue';
import { useT } from '../../utils/translate';
import { RefusalMessages } from '../../components/Refusal';

/** Apply or remove a tag for a segment's current members or a list of customer ids. */
export const BulkDialog = ({ tag, onClose, onDone }: { tag: Tag; onClose: () => void; onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const segments = useSegmentOptions();
  const [action, setAction] = React.useState<'apply' | 'remove'>('apply');
  const [target, setTarget] = React.useState<'segment' | 'ids'>('segment');
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
    const body = target === 'segment' ? { action, segment: Number(segment) } : { action, customerIds: parsedIds };
    try {
      const { data } = await api.request(tagsApi.bulk, { params: { id: tag.id }, body });
      toggleNotification({ type: 'success', message: t(action === 'apply' ? 'tags.bulk.applied' : 'tags.bulk.removed', { n: data.affected, name: tag.name }) });
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
          <Modal.Title>{t('tags.bulk.title', { name: tag.name })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Field.Root name="action">
            <Field.Label>{t('tags.bulk.action')}</Field.Label>
            <Radio.Group value={action} onValueChange={(v: string) => setAction(v as 'apply' | 'remove')} aria-label={t('tags.bulk.action')}>
              <Radio.Item value="apply">{t('tags.bulk.apply')}</Radio.Item>
              <Radio.Item value="remove">{t('tags.bulk.remove')}</Radio.Item>
            </Radio.Group>
          </Field.Root>
          <Field.Root name="target">
            <Field.Label>{t('tags.bulk.target')}</Field.Label>
            <Radio.Group value={target} onValueChange={(v: string) => setTarget(v as 'segment' | 'ids')} aria-label={t('tags.bulk.target')}>
              <Radio.Item value="segment">{t('tags.bulk.segment')}</Radio.Item>
              <Radio.Item value="ids">{t('tags.bulk.ids')}</Radio.Item>
            </Radio.Group>
          </Field.Root>
          {target === 'segment' ? (
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
          <RefusalMessages error={error} shownAt={target === 'segment' ? ['/segment'] : ['/customerIds']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={run} loading={busy} disabled={target === 'segment' ? !segment : !idsValid} variant={action === 'remove' ? 'danger' : 'default'}>
            {action === 'apply' ? t('tags.bulk.apply') : t('tags.bulk.remove')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
