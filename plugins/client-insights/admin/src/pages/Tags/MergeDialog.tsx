import * as React from 'react';
import { Button, Field, Modal, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { useApiClient } from '../../api/useApi';
import { useEnumLabel, useT } from '../../utils/translate';
import type { Tag } from './types';

/** Merge: the source tag's assignments move to the target, then the source is deleted. */
export const MergeDialog = ({ tags, onClose, onDone }: { tags: Tag[]; onClose: () => void; onDone: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [source, setSource] = React.useState<string | undefined>();
  const [target, setTarget] = React.useState<string | undefined>();
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const option = (tag: Tag) => (
    <SingleSelectOption key={tag.id} value={String(tag.id)}>
      {`${tag.name} (${enumLabel('tag.category', tag.category)}, ${tag.usage})`}
    </SingleSelectOption>
  );
  const merge = async () => {
    setBusy(true);
    setError(null);
    const res = await api.post<any>('/tags/merge', { source: Number(source), target: Number(target) });
    setBusy(false);
    if (res.status && res.status >= 400) {
      setError(res.data?.errors?.map((e: any) => e.message).join('; ') ?? res.data?.error?.message ?? `HTTP ${res.status}`);
      return;
    }
    toggleNotification({ type: 'success', message: t('tags.merge.done', { n: res.data.data.moved }) });
    onDone();
  };
  const sourceTag = tags.find((x) => String(x.id) === source);
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('tags.merge')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Field.Root name="source">
            <Field.Label>{t('tags.merge.source')}</Field.Label>
            <SingleSelect value={source} onChange={(v: string | number) => setSource(String(v))} placeholder={t('builder.value.tag')}>
              {tags.map(option)}
            </SingleSelect>
          </Field.Root>
          <Field.Root name="target">
            <Field.Label>{t('tags.merge.target')}</Field.Label>
            <SingleSelect value={target} onChange={(v: string | number) => setTarget(String(v))} placeholder={t('builder.value.tag')}>
              {tags.filter((x) => String(x.id) !== source).map(option)}
            </SingleSelect>
          </Field.Root>
          {sourceTag && (
            <Typography tag="p" textColor="neutral600">
              {t('tags.merge.explain', { name: sourceTag.name, n: sourceTag.usage })}
            </Typography>
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
          <Button variant="danger" onClick={merge} loading={busy} disabled={!source || !target}>
            {t('tags.merge')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
