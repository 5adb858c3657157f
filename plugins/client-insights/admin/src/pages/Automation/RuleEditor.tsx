import * as React from 'react';
import { Box, Button, Checkbox, Field, Flex, Grid, Modal, NumberInput, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { automationApi, type AutomationCatalogue, type AutomationRule } from '../../../../shared/contracts/automation';
import { automationDefinitionSchema, type AutomationDefinition, type Guard, type Step, type Trigger } from '../../../../shared/contracts/automation-definition';
import { INTERACTION_TYPES, TRIGGER_TYPES, type TriggerType } from '../../../../shared/enums';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { EntityPicker } from '../../components/EntityPicker';
import { RefusalMessages } from '../../components/Refusal';
import { emptyGroup, rootFromRule, type Group } from '../../features/rule-builder/model';
import { RuleBuilder, type RuleBuilderChange } from '../../features/rule-builder/RuleBuilder';
import { label, useT } from '../../utils/translate';
import { StepsEditor, TEXT_LOCALES, TextLocaleContext, type TextLocale } from './StepsEditor';

const newTrigger = (type: TriggerType): Trigger => {
  switch (type) {
    case 'event':
      return { type, event: 'interaction.event_signup' };
    case 'absence':
      return { type, event: 'event_signup', missing: 'event_checkin', within: { amount: 2, unit: 'days' } };
    case 'date':
      return { type, field: 'metrics.contract_end_at', days: -30, at: '09:00' };
    case 'inactivity':
      return { type, days: 7 };
    case 'schedule':
      // 0 names no segment: the picker shows its placeholder until one is chosen.
      return { type, cron: '0 9 * * 1', timezone: 'Asia/Shanghai', segmentId: 0 };
    case 'manual':
      return { type };
  }
};

/** The event filters that name a segment, tag or campaign, and what their picker lists (the others are not edited here). */
const FILTER_KINDS = { segmentId: 'segment', tagId: 'tag', campaignId: 'campaign' } as const;

const EMPTY: AutomationDefinition = automationDefinitionSchema.parse({
  trigger: { type: 'manual' },
  steps: [{ kind: 'action', action: { type: 'notify', to: { to: 'owner' }, message: { en: 'Follow up' } } }],
});

/** IF a trigger (and conditions) THEN steps, within guard rails: create or edit one rule. */
export const RuleEditor = ({
  rule,
  catalogue,
  onClose,
  onSaved,
}: {
  rule: AutomationRule | null;
  catalogue: AutomationCatalogue | undefined;
  onClose: () => void;
  onSaved: () => void;
}) => {
  const t = useT();
  const { locale } = useIntl();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const start = React.useMemo(() => {
    const parsed = automationDefinitionSchema.safeParse(rule?.definition);
    return parsed.success ? parsed.data : EMPTY;
  }, [rule]);
  const [name, setName] = React.useState(rule?.name ?? '');
  const [trigger, setTrigger] = React.useState<Trigger>(start.trigger);
  const [withConditions, setWithConditions] = React.useState(start.conditions !== null);
  const initial = React.useMemo<Group>(() => {
    try {
      return start.conditions ? rootFromRule(start.conditions) : emptyGroup('and');
    } catch {
      return emptyGroup('and');
    }
  }, [start]);
  const [conditions, setConditions] = React.useState<RuleBuilderChange | null>(null);
  const [steps, setSteps] = React.useState<Step[]>(start.steps);
  const [guard, setGuard] = React.useState<Guard>(start.guard);
  const [refusal, setRefusal] = React.useState<ApiError | null>(null);
  const [saving, setSaving] = React.useState(false);
  const [textLocale, setTextLocale] = React.useState<TextLocale>('en');
  const err = (p: string) => refusal?.at(p);
  const setT = (patch: Record<string, unknown>) => setTrigger({ ...trigger, ...patch } as Trigger);

  const save = async () => {
    setSaving(true);
    setRefusal(null);
    const body = { name: name.trim(), trigger, conditions: withConditions ? (conditions?.rule ?? null) : null, steps, guard };
    try {
      if (rule) {
        const res = await api.request(automationApi.update, { params: { id: rule.documentId }, body });
        if (res.meta.approval) toggleNotification({ type: 'info', message: t('automation.backToApproval') });
      } else await api.request(automationApi.create, { body });
      toggleNotification({ type: 'success', message: t('automation.saved', { name: body.name }) });
      onSaved();
    } catch (e) {
      setRefusal(toApiError(e));
    } finally {
      setSaving(false);
    }
  };

  const eventLabel = (event: string) => label(catalogue?.events.find((e) => e.event === event)?.labels, locale, event);
  // An absence trigger filters its first event as an event trigger on that interaction would.
  const filteredEvent = trigger.type === 'event' ? trigger.event : trigger.type === 'absence' ? `interaction.${trigger.event}` : null;
  const filters = filteredEvent ? (catalogue?.events.find((e) => e.event === filteredEvent)?.filters ?? []) : [];
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content style={{ width: 'min(1200px, 95vw)', maxWidth: '95vw' }}>
        <Modal.Header closeLabel={t('action.close')}>
          <Modal.Title>{rule ? t('automation.edit', { name: rule.name }) : t('automation.create')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={5}>
            <Field.Root name="name" error={err('/name')} required>
              <Field.Label>{t('automation.field.name')}</Field.Label>
              <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} data-testid="ci-automation-name" />
              <Field.Error />
            </Field.Root>

            <Box>
              <Typography variant="delta" tag="h3">
                {t('automation.if')}
              </Typography>
              <Grid.Root gap={3} paddingTop={2}>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="trigger" error={err('/trigger/type')}>
                    <Field.Label>{t('automation.field.trigger')}</Field.Label>
                    <SingleSelect
                      value={trigger.type}
                      onChange={(v: string | number) => setTrigger(newTrigger(v as TriggerType))}
                      data-testid="ci-automation-trigger"
                    >
                      {TRIGGER_TYPES.map((type) => (
                        <SingleSelectOption key={type} value={type}>
                          {label(catalogue?.triggers.find((x) => x.type === type)?.labels, locale, type)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                {trigger.type === 'event' && (
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="event" error={err('/trigger/event')}>
                      <Field.Label>{t('automation.field.event')}</Field.Label>
                      <SingleSelect
                        value={trigger.event}
                        onChange={(v: string | number) => setTrigger({ type: 'event', event: v as typeof trigger.event })}
                        data-testid="ci-automation-event"
                      >
                        {(catalogue?.events ?? []).map((e) => (
                          <SingleSelectOption key={e.event} value={e.event}>
                            {eventLabel(e.event)}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                )}
                {trigger.type === 'absence' && (
                  <>
                    {(['event', 'missing'] as const).map((k) => (
                      <Grid.Item key={k} col={3} s={6} direction="column" alignItems="stretch">
                        <Field.Root name={k} error={err(`/trigger/${k}`)}>
                          <Field.Label>{t(`automation.field.${k}`)}</Field.Label>
                          <SingleSelect value={trigger[k]} onChange={(v: string | number) => setT({ [k]: v })}>
                            {INTERACTION_TYPES.map((type) => (
                              <SingleSelectOption key={type} value={type}>
                                {eventLabel(`interaction.${type}`)}
                              </SingleSelectOption>
                            ))}
                          </SingleSelect>
                          <Field.Error />
                        </Field.Root>
                      </Grid.Item>
                    ))}
                    <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                      <Field.Root name="within" error={err('/trigger/within/amount')}>
                        <Field.Label>{t('automation.field.withinDays')}</Field.Label>
                        <NumberInput
                          value={trigger.within.amount}
                          onValueChange={(v: number | undefined) => setT({ within: { amount: v ?? 1, unit: 'days' } })}
                        />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                  </>
                )}
                {(trigger.type === 'event' || trigger.type === 'absence') &&
                  filters
                    .filter((f): f is keyof typeof FILTER_KINDS => f in FILTER_KINDS)
                    .map((f) => (
                      <Grid.Item key={f} col={3} s={6} direction="column" alignItems="stretch">
                        <EntityPicker
                          kind={FILTER_KINDS[f]}
                          name={f}
                          label={t(`automation.filter.${f}`)}
                          value={trigger.filters?.[f]}
                          onChange={(id) => setT({ filters: { ...trigger.filters, [f]: id } })}
                          error={err(`/trigger/filters/${f}`)}
                          testId={`ci-automation-filter-${f}`}
                        />
                      </Grid.Item>
                    ))}
                {(trigger.type === 'event' || trigger.type === 'absence') && filters.includes('channel') && (
                  <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                    <Field.Root name="channel" error={err('/trigger/filters/channel')} hint={t('automation.filter.channelHint')}>
                      <Field.Label>{t('automation.filter.channel')}</Field.Label>
                      <TextInput
                        value={trigger.filters?.channel ?? ''}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                          setT({ filters: { ...trigger.filters, channel: e.target.value.trim() === '' ? undefined : e.target.value } })
                        }
                        data-testid="ci-automation-filter-channel"
                      />
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                )}
                {trigger.type === 'date' && (
                  <>
                    <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                      <Field.Root name="field" error={err('/trigger/field')}>
                        <Field.Label>{t('automation.field.dateField')}</Field.Label>
                        <SingleSelect
                          value={trigger.field}
                          onChange={(v: string | number) => setT({ field: String(v) })}
                          data-testid="ci-automation-date-field"
                        >
                          {(catalogue?.dateFields ?? []).map((f) => (
                            <SingleSelectOption key={f.path} value={f.path}>
                              {label(f.labels, locale, f.path)}
                            </SingleSelectOption>
                          ))}
                        </SingleSelect>
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                    <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                      <Field.Root name="days" error={err('/trigger/days')} hint={t('automation.field.daysHint')}>
                        <Field.Label>{t('automation.field.days')}</Field.Label>
                        <NumberInput value={trigger.days} onValueChange={(v: number | undefined) => setT({ days: v ?? 0 })} />
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                  </>
                )}
                {trigger.type === 'inactivity' && (
                  <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                    <Field.Root name="days" error={err('/trigger/days')}>
                      <Field.Label>{t('automation.field.days')}</Field.Label>
                      <NumberInput value={trigger.days} onValueChange={(v: number | undefined) => setT({ days: v ?? 1 })} />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                )}
                {trigger.type === 'schedule' &&
                  (['cron', 'timezone'] as const).map((k) => (
                    <Grid.Item key={k} col={3} s={6} direction="column" alignItems="stretch">
                      <Field.Root name={k} error={err(`/trigger/${k}`)}>
                        <Field.Label>{t(`automation.field.${k}`)}</Field.Label>
                        <TextInput value={trigger[k]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setT({ [k]: e.target.value })} />
                        <Field.Error />
                      </Field.Root>
                    </Grid.Item>
                  ))}
                {trigger.type === 'schedule' && (
                  <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
                    <EntityPicker
                      kind="segment"
                      name="segmentId"
                      label={t('automation.filter.segmentId')}
                      required
                      value={trigger.segmentId}
                      onChange={(id) => setT({ segmentId: id ?? 0 })}
                      error={err('/trigger/segmentId')}
                      testId="ci-automation-schedule-segment"
                    />
                  </Grid.Item>
                )}
              </Grid.Root>
              <Box paddingTop={3}>
                <Checkbox
                  checked={withConditions}
                  onCheckedChange={(c: boolean | 'indeterminate') => setWithConditions(c === true)}
                  data-testid="ci-automation-with-conditions"
                >
                  {t('automation.withConditions')}
                </Checkbox>
                {withConditions && (
                  <Box paddingTop={2}>
                    <RuleBuilder initial={initial} onChange={setConditions} refused={refusal?.under('/conditions')} />
                  </Box>
                )}
              </Box>
            </Box>

            <Box>
              <Flex justifyContent="space-between" alignItems="flex-end" gap={4}>
                <Typography variant="delta" tag="h3">
                  {t('automation.then')}
                </Typography>
                <Field.Root name="textLocale" hint={t('automation.textsInHint')}>
                  <Field.Label>{t('automation.textsIn')}</Field.Label>
                  <SingleSelect value={textLocale} onChange={(v: string | number) => setTextLocale(v as TextLocale)} data-testid="ci-automation-text-locale">
                    {TEXT_LOCALES.map((l) => (
                      <SingleSelectOption key={l} value={l}>
                        {t(`automation.lang.${l}`)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Hint />
                </Field.Root>
              </Flex>
              <Box paddingTop={2}>
                <TextLocaleContext.Provider value={textLocale}>
                  <StepsEditor steps={steps} onChange={setSteps} catalogue={catalogue} refusal={refusal} at="/steps" />
                </TextLocaleContext.Provider>
              </Box>
            </Box>

            <Box>
              <Typography variant="delta" tag="h3">
                {t('automation.guard')}
              </Typography>
              <Flex gap={4} paddingTop={2} wrap="wrap" alignItems="flex-end">
                <Field.Root name="reentry">
                  <Field.Label>{t('automation.guard.reentry')}</Field.Label>
                  <SingleSelect
                    value={guard.reentry.mode}
                    onChange={(v: string | number) =>
                      setGuard({ ...guard, reentry: v === 'cooldown' ? { mode: 'cooldown', days: 30 } : { mode: v as 'once' | 'every' } })
                    }
                  >
                    {(['once', 'cooldown', 'every'] as const).map((m) => (
                      <SingleSelectOption key={m} value={m}>
                        {t(`automation.reentry.${m}`)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
                {guard.reentry.mode === 'cooldown' && (
                  <Field.Root name="cooldown" error={err('/guard/reentry/days')}>
                    <Field.Label>{t('automation.field.days')}</Field.Label>
                    <NumberInput
                      value={guard.reentry.days}
                      onValueChange={(v: number | undefined) => setGuard({ ...guard, reentry: { mode: 'cooldown', days: v ?? 1 } })}
                    />
                    <Field.Error />
                  </Field.Root>
                )}
                <Field.Root name="holdout" error={err('/guard/holdoutPercent')}>
                  <Field.Label>{t('automation.guard.holdout')}</Field.Label>
                  <NumberInput value={guard.holdoutPercent} onValueChange={(v: number | undefined) => setGuard({ ...guard, holdoutPercent: v ?? 0 })} />
                  <Field.Error />
                </Field.Root>
                <Checkbox
                  checked={guard.quietHours}
                  onCheckedChange={(c: boolean | 'indeterminate') => setGuard({ ...guard, quietHours: c === true })}
                  data-testid="ci-automation-quiet-hours"
                >
                  {t('automation.guard.quietHours')}
                </Checkbox>
                <Box minWidth="280px">
                  <EntityPicker
                    kind="segment"
                    name="exitOnLeaveSegment"
                    label={t('automation.guard.exitSegment')}
                    hint={t('automation.guard.exitSegmentHint')}
                    value={guard.exitOnLeaveSegment}
                    onChange={(id) => setGuard({ ...guard, exitOnLeaveSegment: id })}
                    error={err('/guard/exitOnLeaveSegment')}
                    testId="ci-automation-exit-segment"
                  />
                </Box>
                <Checkbox checked={guard.includeChurned} onCheckedChange={(c: boolean | 'indeterminate') => setGuard({ ...guard, includeChurned: c === true })}>
                  {t('automation.guard.includeChurned')}
                </Checkbox>
              </Flex>
            </Box>
          </Flex>
          <RefusalMessages error={refusal} shownAt={['/name', '/conditions']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button
            onClick={save}
            loading={saving}
            disabled={!name.trim() || steps.length === 0 || (withConditions && !conditions?.complete)}
            data-testid="ci-automation-save"
          >
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
