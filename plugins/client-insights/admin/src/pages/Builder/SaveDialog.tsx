import * as React from 'react';
import { Box, Button, Field, Grid, Modal, NumberInput, Radio, SingleSelect, SingleSelectOption, TextInput, Textarea, Typography } from '@strapi/design-system';
import type { Segment } from '../../../../shared/contracts/segments';
import type { ApiError } from '../../api/client';
import { RefusalMessages } from '../../components/Refusal';
import { useT } from '../../utils/translate';
import { keyFromName } from '../../../../shared/keys';

export type SegmentForm = {
  name: string;
  key: string;
  description: string;
  type: 'dynamic' | 'static';
  priority: number;
  parent: number | null;
  schedule: string | null;
  timezone: string;
  visibility: 'private' | 'team' | 'global';
  status: 'active' | 'inactive' | 'draft';
};

export const emptyForm = (): SegmentForm => ({
  name: '',
  key: '',
  description: '',
  type: 'dynamic',
  priority: 100,
  parent: null,
  schedule: null,
  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  visibility: 'global',
  status: 'active',
});

const SCHEDULES = ['none', 'daily', 'weekly', 'monthly', 'custom'] as const;

/** Name, key, type, priority, parent, schedule and visibility of the segment being saved. */
export const SaveDialog = ({
  open,
  onClose,
  initial,
  segments,
  isNew,
  error,
  saving,
  onSave,
}: {
  open: boolean;
  onClose: () => void;
  initial: SegmentForm;
  segments: Segment[];
  isNew: boolean;
  /** The server's refusal of the last save: shown at the fields it names, the rest below them. */
  error: ApiError | null;
  saving: boolean;
  onSave: (form: SegmentForm) => void;
}) => {
  const t = useT();
  const [form, setForm] = React.useState(initial);
  const [keyTouched, setKeyTouched] = React.useState(!isNew);
  React.useEffect(() => setForm(initial), [initial]);
  const set = <K extends keyof SegmentForm>(k: K, v: SegmentForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const errorAt = (field: string) => error?.at(`/${field}`);
  const scheduleKind = form.schedule === null ? 'none' : (SCHEDULES as readonly string[]).includes(form.schedule) ? form.schedule : 'custom';
  return (
    <Modal.Root open={open} onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{isNew ? t('save.titleNew') : t('save.titleEdit')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Grid.Root gap={4}>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="name" error={errorAt('name')} required>
                <Field.Label>{t('save.name')}</Field.Label>
                <TextInput
                  value={form.name}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                    const name = e.target.value;
                    setForm((f) => ({ ...f, name, key: keyTouched ? f.key : keyFromName(name, 'segment') }));
                  }}
                  data-testid="ci-save-name"
                />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="key" error={errorAt('key')} hint={t('save.keyHint')}>
                <Field.Label>{t('save.key')}</Field.Label>
                <TextInput
                  value={form.key}
                  disabled={!isNew}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                    setKeyTouched(true);
                    set('key', e.target.value);
                  }}
                  data-testid="ci-save-key"
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={12} direction="column" alignItems="stretch">
              <Field.Root name="description" error={errorAt('description')}>
                <Field.Label>{t('save.description')}</Field.Label>
                <Textarea value={form.description} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('description', e.target.value)} />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="type">
                <Field.Label>{t('save.type')}</Field.Label>
                <Radio.Group value={form.type} onValueChange={(v: string) => set('type', v as SegmentForm['type'])} aria-label={t('save.type')}>
                  <Radio.Item value="dynamic" data-testid="ci-save-dynamic">
                    {t('segment.type.dynamic')}
                  </Radio.Item>
                  <Radio.Item value="static" data-testid="ci-save-static">
                    {t('segment.type.static')}
                  </Radio.Item>
                </Radio.Group>
                <Typography variant="pi" textColor="neutral600">
                  {form.type === 'dynamic' ? t('save.dynamicHelp') : t('save.staticHelp')}
                </Typography>
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="priority" error={errorAt('priority')} hint={t('save.priorityHint')}>
                <Field.Label>{t('save.priority')}</Field.Label>
                <NumberInput value={form.priority} onValueChange={(v: number | undefined) => set('priority', v ?? 0)} data-testid="ci-save-priority" />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="parent" error={errorAt('parent')}>
                <Field.Label>{t('save.parent')}</Field.Label>
                <SingleSelect
                  value={form.parent === null ? 'none' : String(form.parent)}
                  onChange={(v: string | number) => set('parent', v === 'none' ? null : Number(v))}
                  data-testid="ci-save-parent"
                >
                  <SingleSelectOption value="none">{t('save.noParent')}</SingleSelectOption>
                  {segments.map((s) => (
                    <SingleSelectOption key={s.id} value={String(s.id)}>
                      {s.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="visibility">
                <Field.Label>{t('save.visibility')}</Field.Label>
                <Box data-testid="ci-save-visibility">
                  <SingleSelect value={form.visibility} onChange={(v: string | number) => set('visibility', v as SegmentForm['visibility'])}>
                    {(['private', 'team', 'global'] as const).map((v) => (
                      <SingleSelectOption key={v} value={v}>
                        {t(`visibility.${v}`)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Box>
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              <Field.Root name="schedule" error={errorAt('schedule')}>
                <Field.Label>{t('save.schedule')}</Field.Label>
                <SingleSelect
                  value={scheduleKind}
                  onChange={(v: string | number) => set('schedule', v === 'none' ? null : v === 'custom' ? '0 3 * * *' : String(v))}
                  data-testid="ci-save-schedule"
                >
                  {SCHEDULES.map((s) => (
                    <SingleSelectOption key={s} value={s}>
                      {t(`schedule.${s}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              {scheduleKind === 'custom' && (
                <Field.Root name="cron" hint={t('save.cronHint')}>
                  <Field.Label>{t('save.cron')}</Field.Label>
                  <TextInput value={form.schedule ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('schedule', e.target.value)} />
                  <Field.Hint />
                </Field.Root>
              )}
            </Grid.Item>
            <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
              {form.schedule !== null && (
                <Field.Root name="timezone" error={errorAt('timezone')}>
                  <Field.Label>{t('save.timezone')}</Field.Label>
                  <TextInput value={form.timezone} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('timezone', e.target.value)} />
                  <Field.Error />
                </Field.Root>
              )}
            </Grid.Item>
          </Grid.Root>
          <RefusalMessages error={error} shownAt={['/name', '/key', '/priority', '/parent', '/schedule', '/timezone', '/description']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={() => onSave(form)} loading={saving} disabled={!form.name.trim()} data-testid="ci-save-confirm">
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
