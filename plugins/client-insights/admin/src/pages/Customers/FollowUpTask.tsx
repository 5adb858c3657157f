import * as React from 'react';
import { Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { customersApi, FOLLOW_UP_MAX } from '../../../../shared/contracts/customers';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { TaskFields } from '../../components/TaskFields';
import { useCanCreateTasks } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';

/** One customer (profile card), or every customer of a filtered list (the list's filters and its size). */
type Target = { customer: { documentId: string; name: string | null } } | { filter: Record<string, string>; count: number };

/**
 * Creates an open follow-up Task: for one customer through the content manager, for a list one
 * task per customer through the plugin (which checks the same Task permission). Hidden for users
 * who may not create Tasks.
 */
export const FollowUpTask = (target: Target) => {
  const t = useT();
  const { post } = useFetchClient();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const canCreate = useCanCreateTasks();
  const [open, setOpen] = React.useState(false);
  const [title, setTitle] = React.useState('');
  const [due, setDue] = React.useState<Date | undefined>(undefined);
  const [saving, setSaving] = React.useState(false);
  const [error, setError] = React.useState<ApiError | null>(null);
  if (!canCreate) return null;
  const forList = 'filter' in target;
  const tooMany = forList && target.count > FOLLOW_UP_MAX;
  const create = async () => {
    setSaving(true);
    setError(null);
    const dueAt = due ? due.toISOString() : null;
    try {
      if (forList) {
        // The list's URL filters are text; the server reads numbers and flags from it as the list does.
        const body = { filter: target.filter as Record<string, never>, title: title.trim(), dueAt };
        const { data } = await api.request(customersApi.followUpTasks, { body });
        toggleNotification({ type: 'success', message: t('task.createdMany', { n: data.created }) });
      } else {
        await post('/content-manager/collection-types/api::task.task', {
          title: title.trim(),
          kind: 'follow_up',
          task_status: 'open',
          due_at: dueAt,
          customer: { connect: [{ documentId: target.customer.documentId }] },
        });
        toggleNotification({ type: 'success', message: t('task.created') });
      }
      setOpen(false);
    } catch (e) {
      // The dialog stays open with the title and date; the server's message shows below them.
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  const label = forList ? t('task.createForList', { n: target.count }) : t('task.create');
  if (tooMany || (forList && target.count === 0)) {
    return (
      <Flex gap={2}>
        {tooMany && (
          <Typography variant="pi" textColor="neutral600">
            {t('task.tooMany', { max: FOLLOW_UP_MAX })}
          </Typography>
        )}
        <Button variant="secondary" startIcon={<Plus />} disabled data-testid="ci-follow-up">
          {label}
        </Button>
      </Flex>
    );
  }
  return (
    <Modal.Root open={open} onOpenChange={setOpen}>
      <Modal.Trigger>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => setTitle(forList ? t('task.defaultTitleList') : t('task.defaultTitle', { name: target.customer.name ?? '' }))}
          data-testid="ci-follow-up"
        >
          {label}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{label}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {forList && (
            <Box paddingBottom={3}>
              <Typography variant="omega" textColor="neutral600">
                {t('task.oneEach', { n: target.count })}
              </Typography>
            </Box>
          )}
          <TaskFields title={title} onTitle={setTitle} due={due} onDue={setDue} error={error} dueAt={forList ? '/dueAt' : '/due_at'} />
          <RefusalMessages error={error} shownAt={['/title', forList ? '/dueAt' : '/due_at']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={create} loading={saving} disabled={!title.trim()} data-testid="ci-follow-up-save">
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
