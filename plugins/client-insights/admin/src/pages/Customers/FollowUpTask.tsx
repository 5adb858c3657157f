import * as React from 'react';
import { Button, DatePicker, Field, Modal, TextInput } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorMessage } from '../../api/useApi';
import { useT } from '../../utils/translate';

/** Creates a follow-up Task for the customer through the content manager (its own permissions apply). */
export const FollowUpTask = ({ customer }: { customer: { documentId: string; name: string | null } }) => {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [open, setOpen] = React.useState(false);
  const [title, setTitle] = React.useState('');
  const [due, setDue] = React.useState<Date | undefined>(undefined);
  const [saving, setSaving] = React.useState(false);
  const create = async () => {
    setSaving(true);
    try {
      await post('/content-manager/collection-types/api::task.task', {
        title: title.trim(),
        kind: 'follow_up',
        status: 'open',
        due_at: due ? due.toISOString() : null,
        customer: { connect: [{ documentId: customer.documentId }] },
      });
      toggleNotification({ type: 'success', message: t('task.created') });
      setOpen(false);
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal.Root open={open} onOpenChange={setOpen}>
      <Modal.Trigger>
        <Button variant="secondary" startIcon={<Plus />} onClick={() => setTitle(t('task.defaultTitle', { name: customer.name ?? '' }))}>
          {t('task.create')}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('task.create')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Field.Root name="title" required>
            <Field.Label>{t('task.title')}</Field.Label>
            <TextInput value={title} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setTitle(e.target.value)} />
          </Field.Root>
          <Field.Root name="due">
            <Field.Label>{t('task.due')}</Field.Label>
            <DatePicker value={due} onChange={(d: Date | undefined) => setDue(d)} onClear={() => setDue(undefined)} />
          </Field.Root>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={create} loading={saving} disabled={!title.trim()}>
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
