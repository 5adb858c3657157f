import * as React from 'react';
import { Button, Field, Grid, NumberInput, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { valuesApi, type ValueConfig } from '../../../../shared/contracts/values';
import { toApiError, type ApiError } from '../../api/client';
import { useApi, useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';
import { ChartCard } from './ChartCard';

type Settings = Pick<ValueConfig, 'rfm' | 'quadrants'>;

const CHOICES: { key: 'recency' | 'frequency' | 'monetary'; options: string[] }[] = [
  { key: 'recency', options: ['last_paid_order', 'last_contract', 'last_interaction'] },
  { key: 'frequency', options: ['orders', 'renewals', 'meetings_attended'] },
  { key: 'monetary', options: ['revenue', 'gross_margin'] },
];

/** RFM definitions and weights, quadrant thresholds (PUT /values/settings merges what is sent). */
export const SettingsForm = () => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const settings = useApi(valuesApi.getSettings, {});
  const [form, setForm] = React.useState<Settings | null>(null);
  const [error, setError] = React.useState<ApiError | null>(null);
  const [saving, setSaving] = React.useState(false);
  React.useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);
  if (settings.isLoading && !form) return <SectionLoading />;
  if (settings.error || !form) return <SectionError error={settings.error} onRetry={settings.reload} />;
  const errorAt = (p: string) => error?.at(p);
  const setRfm = (patch: Partial<Settings['rfm']>) => setForm({ ...form, rfm: { ...form.rfm, ...patch } });
  const save = async () => {
    setSaving(true);
    setError(null);
    const body = {
      rfm: {
        recency: form.rfm.recency,
        frequency: form.rfm.frequency,
        monetary: form.rfm.monetary,
        periodDays: form.rfm.periodDays,
        weights: form.rfm.weights,
      },
      quadrants: form.quadrants,
    };
    try {
      await api.request(valuesApi.updateSettings, { body });
      toggleNotification({ type: 'success', message: t('values.settings.saved') });
      settings.reload();
    } catch (e) {
      // The form keeps what the user entered; the server's messages show at the fields.
      setError(toApiError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <ChartCard title={t('values.settings')} help={t('values.settings.help')} testid="ci-value-settings">
      <Grid.Root gap={4}>
        {CHOICES.map(({ key, options }) => (
          <Grid.Item key={key} col={4} s={12} direction="column" alignItems="stretch">
            <Field.Root name={key} error={errorAt(`/rfm/${key}`)}>
              <Field.Label>{t(`values.settings.${key}` as MessageKey)}</Field.Label>
              <SingleSelect value={form.rfm[key]} onChange={(v: string | number) => setRfm({ [key]: String(v) } as Partial<Settings['rfm']>)}>
                {options.map((o) => (
                  <SingleSelectOption key={o} value={o}>
                    {t(`values.option.${o}` as MessageKey)}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Error />
            </Field.Root>
          </Grid.Item>
        ))}
        <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
          <Field.Root name="periodDays" error={errorAt('/rfm/periodDays')}>
            <Field.Label>{t('values.settings.periodDays')}</Field.Label>
            <NumberInput value={form.rfm.periodDays} onValueChange={(v: number | undefined) => setRfm({ periodDays: v ?? 0 })} />
            <Field.Error />
          </Field.Root>
        </Grid.Item>
        {(['r', 'f', 'm'] as const).map((w) => (
          <Grid.Item key={w} col={3} s={6} direction="column" alignItems="stretch">
            <Field.Root name={`weight-${w}`} error={errorAt('/rfm/weights')}>
              <Field.Label>{t('values.settings.weight', { letter: w.toUpperCase() })}</Field.Label>
              <NumberInput
                value={form.rfm.weights[w]}
                step={0.1}
                onValueChange={(v: number | undefined) => setRfm({ weights: { ...form.rfm.weights, [w]: v ?? 0 } })}
              />
              <Field.Error />
            </Field.Root>
          </Grid.Item>
        ))}
        {(['highScore', 'lowRecency', 'complaintThreshold'] as const).map((k) => (
          <Grid.Item key={k} col={4} s={12} direction="column" alignItems="stretch">
            <Field.Root name={k} error={errorAt(`/quadrants/${k}`)}>
              <Field.Label>{t(`values.settings.${k}` as MessageKey)}</Field.Label>
              <NumberInput
                value={form.quadrants[k]}
                onValueChange={(v: number | undefined) => setForm({ ...form, quadrants: { ...form.quadrants, [k]: v ?? 0 } })}
              />
              <Field.Error />
            </Field.Root>
          </Grid.Item>
        ))}
      </Grid.Root>
      <RefusalMessages
        error={error}
        shownAt={[
          ...CHOICES.map(({ key }) => `/rfm/${key}`),
          '/rfm/periodDays',
          '/rfm/weights',
          '/quadrants/highScore',
          '/quadrants/lowRecency',
          '/quadrants/complaintThreshold',
        ]}
      />
      <Button onClick={save} loading={saving} marginTop={4}>
        {t('action.save')}
      </Button>
    </ChartCard>
  );
};
