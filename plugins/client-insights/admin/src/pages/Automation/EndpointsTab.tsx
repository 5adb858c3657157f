import * as React from 'react';
import { Badge, Button, Checkbox, Dialog, Field, Flex, IconButton, Modal, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, Pencil, Plus, Trash } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { webhookEndpointsApi, type WebhookEndpoint } from '../../../../shared/contracts/automation-endpoints';
import { toApiError, type ApiError } from '../../api/client';
import { useApi, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { RefusalMessages } from '../../components/Refusal';
import { SecretOnce } from '../../components/SecretOnce';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useT } from '../../utils/translate';

const CIRCUIT_VARIANT = { closed: 'success', half_open: 'warning', open: 'danger' } as const;

/**
 * A new endpoint or an edit of one. The server checks the name and URL and names the field it
 * refuses (shown at it); a new endpoint's signing secret is shown once, then never again.
 */
const EndpointForm = ({ endpoint, onClose, onSaved }: { endpoint: WebhookEndpoint | null; onClose: () => void; onSaved: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const [name, setName] = React.useState(endpoint?.name ?? '');
  const [url, setUrl] = React.useState(endpoint?.url ?? '');
  const [enabled, setEnabled] = React.useState(endpoint?.enabled ?? true);
  const [refusal, setRefusal] = React.useState<ApiError | null>(null);
  const [secret, setSecret] = React.useState<string | null>(null);
  const [saving, setSaving] = React.useState(false);

  const save = async () => {
    setSaving(true);
    setRefusal(null);
    try {
      if (endpoint) {
        await api.request(webhookEndpointsApi.update, { params: { id: endpoint.id }, body: { name, url, enabled } });
        onSaved();
      } else {
        const { data } = await api.request(webhookEndpointsApi.create, { body: { name, url, enabled } });
        setSecret(data.secret);
      }
    } catch (e) {
      setRefusal(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && (secret ? onSaved() : onClose())}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{endpoint ? t('endpoints.editTitle', { name: endpoint.name }) : t('endpoints.new')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {secret ? (
            <SecretOnce secret={secret} message={t('endpoints.secretOnce')} onClose={onSaved} testid="ci-endpoint-secret" />
          ) : (
            <Flex direction="column" alignItems="stretch" gap={4} data-testid="ci-endpoint-form">
              <Field.Root name="name" error={refusal?.at('/name')} required>
                <Field.Label>{t('endpoints.name')}</Field.Label>
                <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} />
                <Field.Error />
              </Field.Root>
              <Field.Root name="url" error={refusal?.at('/url')} hint={t('endpoints.urlHint')} required>
                <Field.Label>{t('endpoints.url')}</Field.Label>
                <TextInput value={url} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUrl(e.target.value)} />
                <Field.Error />
                <Field.Hint />
              </Field.Root>
              <Checkbox checked={enabled} onCheckedChange={(on: boolean) => setEnabled(on === true)}>
                {t('endpoints.enabledLabel')}
              </Checkbox>
              <RefusalMessages error={refusal} shownAt={['/name', '/url']} />
            </Flex>
          )}
        </Modal.Body>
        {!secret && (
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('action.cancel')}</Button>
            </Modal.Close>
            <Button onClick={() => void save()} loading={saving} data-testid="ci-endpoint-save">
              {t('action.save')}
            </Button>
          </Modal.Footer>
        )}
      </Modal.Content>
    </Modal.Root>
  );
};

/**
 * The webhook endpoints a rule's webhook action posts to (automation.manage): name, URL, whether
 * it sends and its circuit breaker, with create, edit, secret rotation (the old secret stops
 * signing at once, so it is confirmed first) and removal.
 */
export const EndpointsTab = () => {
  const t = useT();
  const api = useApiClient();
  const dateTime = useDateTime();
  const { toggleNotification } = useNotification();
  const list = useApi(webhookEndpointsApi.list, {});
  const [editing, setEditing] = React.useState<WebhookEndpoint | 'new' | null>(null);
  const [confirming, setConfirming] = React.useState<{ move: 'rotate' | 'remove'; endpoint: WebhookEndpoint } | null>(null);
  const [rotated, setRotated] = React.useState<string | null>(null);

  const confirm = async () => {
    if (!confirming) return;
    const { move, endpoint } = confirming;
    setConfirming(null);
    try {
      if (move === 'rotate') setRotated((await api.request(webhookEndpointsApi.rotateSecret, { params: { id: endpoint.id }, body: {} })).data.secret);
      else await api.request(webhookEndpointsApi.remove, { params: { id: endpoint.id } });
      toggleNotification({ type: 'success', message: t(`endpoints.done.${move}`, { name: endpoint.name }) });
    } catch (e) {
      toggleNotification({ type: 'danger', message: toApiError(e).message });
    } finally {
      list.reload();
    }
  };

  let body: React.ReactNode;
  if (list.isLoading && !list.data) body = <SectionLoading />;
  else if (list.error || !list.data) body = <SectionError error={list.error} onRetry={list.reload} />;
  else if (list.data.length === 0) body = <SectionEmpty message={t('endpoints.empty')} />;
  else
    body = (
      <Table colCount={4} rowCount={list.data.length + 1} data-testid="ci-endpoints-table">
        <Thead>
          <Tr>
            {(['name', 'url', 'state', 'actions'] as const).map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(`endpoints.col.${c}`)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {list.data.map((endpoint) => (
            <Tr key={endpoint.id} data-testid="ci-endpoint-row" data-name={endpoint.name}>
              <Td>
                <Typography fontWeight="bold">{endpoint.name}</Typography>
              </Td>
              <Td>
                <Typography>{endpoint.url}</Typography>
              </Td>
              <Td>
                <Flex gap={2}>
                  <Badge variant={endpoint.enabled ? 'success' : 'neutral'} data-testid="ci-endpoint-enabled" data-enabled={String(endpoint.enabled)}>
                    {t(endpoint.enabled ? 'endpoints.enabled' : 'endpoints.disabled')}
                  </Badge>
                  <Badge variant={CIRCUIT_VARIANT[endpoint.circuit]}>{t(`endpoints.circuit.${endpoint.circuit}`)}</Badge>
                  {endpoint.circuit === 'open' && endpoint.openUntil && (
                    <Typography variant="pi">{t('endpoints.openUntil', { at: dateTime(endpoint.openUntil) })}</Typography>
                  )}
                </Flex>
              </Td>
              <Td>
                <Flex gap={1}>
                  <IconButton label={t('endpoints.edit', { name: endpoint.name })} variant="ghost" onClick={() => setEditing(endpoint)}>
                    <Pencil />
                  </IconButton>
                  <IconButton
                    label={t('endpoints.rotate', { name: endpoint.name })}
                    variant="ghost"
                    onClick={() => setConfirming({ move: 'rotate', endpoint })}
                  >
                    <ArrowClockwise />
                  </IconButton>
                  <IconButton
                    label={t('endpoints.remove', { name: endpoint.name })}
                    variant="ghost"
                    onClick={() => setConfirming({ move: 'remove', endpoint })}
                  >
                    <Trash />
                  </IconButton>
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    );

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex justifyContent="space-between">
        <Typography textColor="neutral600">{t('endpoints.subtitle')}</Typography>
        <Button startIcon={<Plus />} variant="secondary" onClick={() => setEditing('new')} data-testid="ci-endpoint-new">
          {t('endpoints.new')}
        </Button>
      </Flex>
      {rotated && <SecretOnce secret={rotated} message={t('endpoints.secretOnce')} onClose={() => setRotated(null)} testid="ci-endpoint-secret" />}
      {body}
      {editing && (
        <EndpointForm
          endpoint={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <Dialog.Root open={confirming !== null} onOpenChange={(o: boolean) => !o && setConfirming(null)}>
        <Dialog.Content>
          <Dialog.Header>{confirming ? t(`endpoints.confirm.${confirming.move}`, { name: confirming.endpoint.name }) : ''}</Dialog.Header>
          <Dialog.Body>{confirming ? t(`endpoints.confirmBody.${confirming.move}`) : ''}</Dialog.Body>
          <Dialog.Footer>
            <Dialog.Cancel>
              <Button variant="tertiary">{t('action.cancel')}</Button>
            </Dialog.Cancel>
            <Button variant="danger-light" onClick={() => void confirm()} data-testid="ci-endpoint-confirm">
              {confirming ? t(`endpoints.${confirming.move}Short`) : ''}
            </Button>
          </Dialog.Footer>
        </Dialog.Content>
      </Dialog.Root>
    </Flex>
  );
};
