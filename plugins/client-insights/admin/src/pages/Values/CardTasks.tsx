import * as React from 'react';
import { Box, Button, Modal, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { valuesApi, type ValueCard } from '../../../../shared/contracts/values';
import { BULK_TASKS_MAX } from '../../../../shared/enums';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { TaskFields } from '../../components/TaskFields';
import { useCanCreateTasks } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';

/**
 * Follow-up tasks for a card's customers (POST /values/cards/tasks): one each, assigned to the
 * customer's owner, once per card and day. Hidden for users who may not create Tasks; disabled
 * once the card got its tasks today, when it is empty or larger than the server allows.
 */
export const CardTasks = ({ card, name, onDone }: { card: ValueCard; name: string; onDone: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const canCreate = useCanCreateTasks();
  const [open, setOpen] = React.useState(false);
  const [title, setTitle] = React.useState('');
  const [due, setDue] = React.useState<Date | undefined>(undefined);
  const [saving, setSaving] = React.useState(false);
  const [error, setError] = React.useState<ApiError | null>(null);
  if (!canCreate) return null;
  const testid = `ci-card-tasks-${card.kind}-${card.key}`;
  const blocked = card.tasksToday
    ? t('values.card.tasks.today', { n: card.tasksToday.tasks })
    : card.customers > BULK_TASKS_MAX
      ? t('values.card.tasks.tooMany', { max: BULK_TASKS_MAX })
      : card.customers === 0
        ? ''
        : null;
  if (blocked !== null) {
    return (
      <>
        <Button size="S" variant="secondary" startIcon={<Plus />} disabled data-testid={testid}>
          {t('values.card.tasks')}
        </Button>
        {blocked && (
          <Typography variant="pi" textColor="neutral600" data-testid={`${testid}-blocked`}>
            {blocked}
          </Typography>
        )}
      </>
    );
  }
  const create = async () => {
    setSaving(true);
    setError(null);
    try {
      const { data } = await api.request(valuesApi.cardTasks, {
        body: { kind: card.kind, key: card.key, title: title.trim(), dueAt: due ? due.toISOString() : null },
      });
      toggleNotification(
        data.repeated
          ? { type: 'info', message: t('values.card.tasks.repeated', { n: data.tasks }) }
          : { type: 'success', message: t('values.card.tasks.created', { n: data.created }) }
      );
      setOpen(false);
      onDone();
    } catch (e) {
      // The dialog stays open with the title and date; the server's message shows below them.
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal.Root open={open} onOpenChange={setOpen}>
      <Modal.Trigger>
        <Button
          size="S"
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => setTitle(t('values.card.tasks.defaultTitle', { card: name }))}
          data-testid={testid}
        >
          {t('values.card.tasks')}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>
            {t('values.card.tasks')} · {name}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Box paddingBottom={3}>
            <Typography variant="omega" textColor="neutral600">
              {t('values.card.tasks.oneEach', { n: card.customers })}
            </Typography>
          </Box>
          <TaskFields title={title} onTitle={setTitle} due={due} onDue={setDue} error={error} />
          <RefusalMessages error={error} shownAt={['/title', '/dueAt']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={create} loading={saving} disabled={!title.trim()} data-testid="ci-card-tasks-save">
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
