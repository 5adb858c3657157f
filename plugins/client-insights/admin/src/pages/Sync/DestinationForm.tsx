import * as React from 'react';
import { Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import { SYNC_TYPES, syncApi, type CreateDestination, type SyncType } from '../../../../shared/contracts/sync';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { SecretOnce } from '../../components/SecretOnce';
import { useT, type MessageKey } from '../../utils/translate';

/** The settings each type asks for, as text fields (`config.<key>`); `port` is a number. */
const FIELDS: Record<SyncType, string[]> = {
  warehouse: ['host', 'port', 'database', 'user'],
  webhook: ['url'],
  file: ['folder'],
};

/** What the form sends: the type's settings, the password beside a warehouse's, the schedule when given. */
const bodyOf = (type: SyncType, name: string, values: Record<string, string>): CreateDestination => {
  const schedule = { ...(values.cron ? { cron: values.cron } : {}), ...(values.timezone ? { timezone: values.timezone } : {}) };
  const config: Record<string, unknown> = {};
  for (const key of FIELDS[type]) if (values[key]) config[key] = key === 'port' ? Number(values[key]) : values[key];
  if (type === 'warehouse') config.client = values.client || 'postgres';
  if (type === 'file') config.format = values.format || 'jsonl';
  return { type, name, config, ...(type === 'warehouse' && values.password ? { password: values.password } : {}), ...schedule } as CreateDestination;
};

/**
 * A new destination. The server checks everything and names the field it refuses (shown at it);
 * a webhook's signing secret is shown once, after it is created, and never again.
 */
export const DestinationForm = ({ onCreated }: { onCreated: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const [type, setType] = React.useState<SyncType>('warehouse');
  const [name, setName] = React.useState('');
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [refusal, setRefusal] = React.useState<ApiError | null>(null);
  const [secret, setSecret] = React.useState<string | null>(null);
  const [saving, setSaving] = React.useState(false);
  const set = (key: string) => (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const err = (p: string) => refusal?.at(p);

  const save = async () => {
    setSaving(true);
    setRefusal(null);
    try {
      const { data } = await api.request(syncApi.create, { body: bodyOf(type, name, values) });
      if (data.secret) setSecret(data.secret);
      else onCreated();
    } catch (e) {
      setRefusal(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  if (secret) return <SecretOnce secret={secret} message={t('sync.secretOnce')} onClose={onCreated} testid="ci-sync-secret" />;

  const text = (key: string, label: MessageKey, inputType = 'text') => (
    <Grid.Item key={key} col={4} s={12} direction="column" alignItems="stretch">
      <Field.Root name={key} error={err(`/config/${key}`) ?? err(`/${key}`)}>
        <Field.Label>{t(label)}</Field.Label>
        <TextInput type={inputType} value={values[key] ?? ''} onChange={set(key)} />
        <Field.Error />
      </Field.Root>
    </Grid.Item>
  );
  const choice = (key: string, label: MessageKey, options: string[]) => (
    <Grid.Item key={key} col={4} s={12} direction="column" alignItems="stretch">
      <Field.Root name={key} error={err(`/config/${key}`)}>
        <Field.Label>{t(label)}</Field.Label>
        <SingleSelect value={values[key] ?? options[0]} onChange={(v: string | number) => setValues((s) => ({ ...s, [key]: String(v) }))}>
          {options.map((o) => (
            <SingleSelectOption key={o} value={o}>
              {o}
            </SingleSelectOption>
          ))}
        </SingleSelect>
        <Field.Error />
      </Field.Root>
    </Grid.Item>
  );

  return (
    <Box padding={5} background="neutral0" hasRadius shadow="tableShadow" data-testid="ci-sync-form">
      <Grid.Root gap={4}>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Field.Root name="type" error={err('/type')}>
            <Field.Label>{t('sync.type')}</Field.Label>
            <SingleSelect value={type} onChange={(v: string | number) => setType(v as SyncType)}>
              {SYNC_TYPES.map((ty) => (
                <SingleSelectOption key={ty} value={ty}>
                  {t(`sync.type.${ty}`)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={8} s={12} direction="column" alignItems="stretch">
          <Field.Root name="name" error={err('/name')} required>
            <Field.Label>{t('sync.name')}</Field.Label>
            <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        {type === 'warehouse' && choice('client', 'sync.field.client', ['postgres', 'mysql'])}
        {type === 'warehouse' && FIELDS.warehouse.map((key) => text(key, `sync.field.${key}` as MessageKey))}
        {type === 'warehouse' && text('password', 'sync.field.password', 'password')}
        {type === 'webhook' && text('url', 'sync.field.url')}
        {type === 'file' && text('folder', 'sync.field.folder')}
        {type === 'file' && choice('format', 'sync.field.format', ['jsonl', 'csv'])}
        {text('cron', 'sync.field.cron')}
        {text('timezone', 'sync.field.timezone')}
      </Grid.Root>
      <RefusalMessages error={refusal} shownAt={['/type', '/name', '/config', '/password', '/cron', '/timezone']} />
      <Flex paddingTop={4} gap={2}>
        <Button onClick={() => void save()} loading={saving} data-testid="ci-sync-save">
          {t('action.save')}
        </Button>
      </Flex>
    </Box>
  );
};
