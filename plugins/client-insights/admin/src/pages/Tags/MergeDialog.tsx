import * as React from 'react';
import { Button, Field, Modal, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { useEnumLabel, useT } from '../../utils/translate';

/** Merge: the source tag's assignments move to the target, then the source is deleted. */
export const MergeDialog = ({ tags, onClose, onDone }: { tags: Tag[]; onClose: () => void; onDone: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [source, setSource] = React.useState<string | undefined>();
  const [target, setTarget] = React.useState<string | undefined>();
  const [error, setError] = React.useState<ApiError | null>(null);
  const [busy, setBusy] = React.useState(false);
  const option = (tag: Tag) => (
    <SingleSelectOption key={tag.id} value={String(tag.id)}>
      {`${tag.name} (${enumLabel('tag.category', tag.category)}, ${tag.usage})`}
    </SingleSelectOption>
  );
  const merge = async () => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.request(tagsApi.merge, { body: { source: Number(source), target: Number(target) } });
      toggleNotification({ type: 'success', message: t('tags.merge.done', { n: data.moved }) });
      onDone();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
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
          <RefusalMessages error={error} />
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
