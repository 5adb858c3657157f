import * as React from 'react';
import { Button, Field, Modal, Radio, SingleSelect, SingleSelectOption, Textarea, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { useApiClient } from '../../api/useApi';
import { useSegmentOptions } from '../../api/useCatalogue';
import { useT } from '../../utils/translate';
import type { Tag } from './types';

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
  const [error, setError] = React.useState<string | null>(null);
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
    const res = await api.post<any>(`/tags/${tag.id}/bulk`, body);
    setBusy(false);
    if (res.status && res.status >= 400) {
      setError(res.data?.errors?.map((e: any) => `${e.path}: ${e.message}`).join('; ') ?? res.data?.error?.message ?? `HTTP ${res.status}`);
      return;
    }
    toggleNotification({ type: 'success', message: t(action === 'apply' ? 'tags.bulk.applied' : 'tags.bulk.removed', { n: res.data.data.affected, name: tag.name }) });
    onDone();
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
            <Field.Root name="segment">
              <Field.Label>{t('nav.segments')}</Field.Label>
              <SingleSelect value={segment} onChange={(v: string | number) => setSegment(String(v))} placeholder={t('builder.value.segment')}>
                {(segments.data ?? []).map((s) => (
                  <SingleSelectOption key={s.id} value={String(s.id)}>
                    {s.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          ) : (
            <Field.Root name="ids" hint={t('tags.bulk.idsHint')} error={ids && !idsValid ? t('tags.bulk.idsInvalid') : undefined}>
              <Field.Label>{t('tags.bulk.ids')}</Field.Label>
              <Textarea value={ids} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setIds(e.target.value)} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          )}
          {error && (
            <Typography textColor="danger600" role="alert">
              {error}
            </Typography>
          )}
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
