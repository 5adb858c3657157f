import * as React from 'react';
import { Box, Button, Field, Flex, IconButton, NumberInput, SingleSelect, SingleSelectOption, TextInput, Textarea, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { AutomationCatalogue } from '../../../../shared/contracts/automation';
import type { Action, Step } from '../../../../shared/contracts/automation-definition';
import { ACTION_TYPES, STAGES, type ActionType } from '../../../../shared/enums';
import type { ApiError } from '../../api/client';
import { EntityPicker } from '../../components/EntityPicker';
import { label, useEnumLabel, useT } from '../../utils/translate';

/** A new action of `type` with its required fields filled with something the user then edits. */
const newAction = (type: ActionType): Action => {
  switch (type) {
    case 'email':
      return { type, subject: { en: '' }, body: { en: '' } };
    case 'sms':
      return { type, text: { en: '' } };
    case 'push':
      return { type, title: { en: '' }, body: { en: '' } };
    case 'webhook':
      // 0 names no endpoint: the picker shows its placeholder until one is chosen.
      return { type, endpointId: 0 };
    case 'task':
      return { type, kind: 'follow_up', title: { en: '' }, assignee: { to: 'owner' }, dueInDays: 1 };
    case 'notify':
      return { type, to: { to: 'owner' }, message: { en: '' }, email: true };
    case 'tag':
      return { type, op: 'add', tagId: 0 };
    case 'stage':
      return { type, stage: 'signed' };
    case 'segment':
      // 0 names no segment: the picker shows its placeholder until one is chosen.
      return { type, segmentId: 0 };
  }
};

/** An action's name in the admin's language, from the server's catalogue (the type itself until it has loaded). */
export const actionLabel = (catalogue: AutomationCatalogue | undefined, locale: string, type: ActionType) =>
  label(catalogue?.actions.find((a) => a.type === type)?.labels, locale, type);

type Props = { steps: Step[]; onChange: (steps: Step[]) => void; catalogue: AutomationCatalogue | undefined; refusal: ApiError | null; at: string };

/** The customer languages an action's texts are written in: English always, Chinese when written (falling back to English). */
export const TEXT_LOCALES = ['en', 'zh-Hans', 'zh'] as const;
export type TextLocale = (typeof TEXT_LOCALES)[number];
/** Which language the text fields edit now (chosen once for the whole rule, above the steps). */
export const TextLocaleContext = React.createContext<TextLocale>('en');

type LocalText = Partial<Record<TextLocale, string>> & { en: string };

/** One text of an action in the chosen language; an emptied Chinese text is left out (English stands in). */
const Text = ({ name, value, onChange, error, long }: { name: string; value: LocalText; onChange: (v: LocalText) => void; error?: string; long?: boolean }) => {
  const t = useT();
  const locale = React.useContext(TextLocaleContext);
  const change = (text: string) => {
    const next: LocalText = { ...value, [locale]: text };
    if (locale !== 'en' && text === '') delete next[locale];
    onChange(next);
  };
  return (
    <Field.Root name={`${name}-${locale}`} error={error} required={locale === 'en'} hint={locale === 'en' ? undefined : t('automation.field.fallbackHint')}>
      <Field.Label>{t('automation.field.inLang', { field: name, lang: t(`automation.lang.${locale}`) })}</Field.Label>
      {long ? (
        <Textarea value={value[locale] ?? ''} placeholder={value.en} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => change(e.target.value)} />
      ) : (
        <TextInput value={value[locale] ?? ''} placeholder={value.en} onChange={(e: React.ChangeEvent<HTMLInputElement>) => change(e.target.value)} />
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

/** A whole number of the action (a task's days until due). */
const NumberField = ({ name, value, onChange, error }: { name: string; value: number; onChange: (v: number) => void; error?: string }) => (
  <Field.Root name={name} error={error} required>
    <Field.Label>{name}</Field.Label>
    <NumberInput value={value} onValueChange={(v: number | undefined) => onChange(v ?? 0)} />
    <Field.Error />
  </Field.Root>
);

/** The campaign a send is made for (optional): its attribution counts the send and its holdout applies. */
const CampaignField = ({ action, set, error }: { action: { campaignId?: number }; set: (patch: Record<string, unknown>) => void; error?: string }) => {
  const t = useT();
  return (
    <EntityPicker
      kind="campaign"
      name="campaign"
      label={t('automation.field.campaign')}
      hint={t('automation.field.campaignHint')}
      value={action.campaignId}
      onChange={(campaignId) => set({ campaignId })}
      error={error}
      testId="ci-automation-campaign"
    />
  );
};

/** The fields of one action (texts in the chosen language; endpoints, tags, segments and campaigns picked by name). */
const ActionFields = ({ action, onChange, refusal, at }: { action: Action; onChange: (a: Action) => void; refusal: ApiError | null; at: string }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const locale = React.useContext(TextLocaleContext);
  const err = (p: string) => refusal?.at(`${at}/${p}`) ?? refusal?.at(`${at}/${p}/${locale}`) ?? refusal?.at(`${at}/${p}/en`);
  const set = (patch: Record<string, unknown>) => onChange({ ...action, ...patch } as Action);
  switch (action.type) {
    case 'email':
      return (
        <>
          <Text name={t('automation.field.subject')} value={action.subject} onChange={(subject) => set({ subject })} error={err('subject')} />
          <Text name={t('automation.field.body')} long value={action.body} onChange={(body) => set({ body })} error={err('body')} />
          <CampaignField action={action} set={set} error={err('campaignId')} />
        </>
      );
    case 'sms':
      return (
        <>
          <Text name={t('automation.field.text')} long value={action.text} onChange={(text) => set({ text })} error={err('text')} />
          <CampaignField action={action} set={set} error={err('campaignId')} />
        </>
      );
    case 'push':
      return (
        <>
          <Text name={t('automation.field.title')} value={action.title} onChange={(title) => set({ title })} error={err('title')} />
          <Text name={t('automation.field.body')} value={action.body} onChange={(body) => set({ body })} error={err('body')} />
          <CampaignField action={action} set={set} error={err('campaignId')} />
        </>
      );
    case 'webhook':
      return (
        <EntityPicker
          kind="endpoint"
          name="endpoint"
          label={t('automation.field.endpoint')}
          required
          value={action.endpointId}
          onChange={(endpointId) => set({ endpointId: endpointId ?? 0 })}
          error={err('endpointId')}
          testId="ci-automation-endpoint"
        />
      );
    case 'task':
      return (
        <>
          <Text name={t('automation.field.title')} value={action.title} onChange={(title) => set({ title })} error={err('title')} />
          <NumberField name={t('automation.field.dueInDays')} value={action.dueInDays} onChange={(v) => set({ dueInDays: v })} error={err('dueInDays')} />
        </>
      );
    case 'notify':
      return <Text name={t('automation.field.message')} long value={action.message} onChange={(message) => set({ message })} error={err('message')} />;
    case 'tag':
      return (
        <>
          <SingleSelect aria-label={t('automation.field.op')} value={action.op} onChange={(v: string | number) => set({ op: v })}>
            <SingleSelectOption value="add">{t('automation.op.add')}</SingleSelectOption>
            <SingleSelectOption value="remove">{t('automation.op.remove')}</SingleSelectOption>
          </SingleSelect>
          <EntityPicker
            kind="tag"
            name="tag"
            label={t('automation.field.tag')}
            required
            value={action.tagId}
            onChange={(tagId) => set({ tagId: tagId ?? 0 })}
            error={err('tagId')}
            testId="ci-automation-tag"
          />
        </>
      );
    case 'stage':
      return (
        <SingleSelect aria-label={t('automation.field.stage')} value={action.stage} onChange={(v: string | number) => set({ stage: v })}>
          {STAGES.map((s) => (
            <SingleSelectOption key={s} value={s}>
              {enumLabel('enum', s)}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    case 'segment':
      return (
        <EntityPicker
          kind="staticSegment"
          name="segment"
          label={t('automation.field.segmentId')}
          required
          value={action.segmentId}
          onChange={(segmentId) => set({ segmentId: segmentId ?? 0 })}
          error={err('segmentId')}
          testId="ci-automation-segment"
        />
      );
  }
};

/** Steps in order: actions, waits, and if/else on a rule (the rule as JSON; its branches edited the same way). */
export const StepsEditor = ({ steps, onChange, catalogue, refusal, at }: Props) => {
  const t = useT();
  const { locale } = useIntl();
  const replace = (i: number, step: Step) => onChange(steps.map((s, j) => (j === i ? step : s)));
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      {steps.map((step, i) => (
        <Box key={i} padding={3} hasRadius borderColor="neutral200" background="neutral0" data-testid="ci-automation-step">
          <Flex justifyContent="space-between" paddingBottom={2}>
            <Typography variant="sigma">
              {i + 1}. {t(`automation.step.${step.kind}`)}
            </Typography>
            <IconButton label={t('automation.step.remove')} variant="ghost" onClick={() => onChange(steps.filter((_, j) => j !== i))}>
              <Trash />
            </IconButton>
          </Flex>
          <Flex direction="column" alignItems="stretch" gap={2}>
            {step.kind === 'action' && (
              <>
                <SingleSelect
                  aria-label={t('automation.field.action')}
                  data-testid="ci-step-action-type"
                  value={step.action.type}
                  onChange={(v: string | number) => replace(i, { kind: 'action', action: newAction(v as ActionType) })}
                >
                  {ACTION_TYPES.map((type) => (
                    <SingleSelectOption key={type} value={type}>
                      {actionLabel(catalogue, locale, type)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <ActionFields action={step.action} onChange={(action) => replace(i, { kind: 'action', action })} refusal={refusal} at={`${at}/${i}/action`} />
              </>
            )}
            {step.kind === 'wait' && (
              <Flex gap={2}>
                <NumberInput
                  aria-label={t('automation.field.amount')}
                  value={step.duration.amount}
                  onValueChange={(v: number | undefined) => replace(i, { ...step, duration: { ...step.duration, amount: v ?? 1 } })}
                />
                <SingleSelect
                  aria-label={t('automation.field.unit')}
                  value={step.duration.unit}
                  onChange={(v: string | number) => replace(i, { ...step, duration: { ...step.duration, unit: v as 'days' } })}
                >
                  {(['minutes', 'hours', 'days'] as const).map((u) => (
                    <SingleSelectOption key={u} value={u}>
                      {t(`automation.unit.${u}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Flex>
            )}
            {step.kind === 'wait_until' && (
              <Field.Root name="time" error={refusal?.at(`${at}/${i}/time`)}>
                <Field.Label>{t('automation.field.time')}</Field.Label>
                <TextInput value={step.time} onChange={(e: React.ChangeEvent<HTMLInputElement>) => replace(i, { ...step, time: e.target.value })} />
                <Field.Error />
              </Field.Root>
            )}
            {step.kind === 'if' && <IfStep step={step} onChange={(s) => replace(i, s)} catalogue={catalogue} refusal={refusal} at={`${at}/${i}`} />}
          </Flex>
        </Box>
      ))}
      <Flex gap={2} wrap="wrap">
        <Button
          data-testid="ci-step-add-action"
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => onChange([...steps, { kind: 'action', action: newAction('notify') }])}
        >
          {t('automation.step.addAction')}
        </Button>
        <Button
          data-testid="ci-step-add-wait"
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => onChange([...steps, { kind: 'wait', duration: { amount: 1, unit: 'days' } }])}
        >
          {t('automation.step.addWait')}
        </Button>
        <Button
          data-testid="ci-step-add-wait_until"
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => onChange([...steps, { kind: 'wait_until', time: '09:00' }])}
        >
          {t('automation.step.addWaitUntil')}
        </Button>
        <Button
          data-testid="ci-step-add-if"
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => onChange([...steps, { kind: 'if', rule: { '>=': [{ var: 'metrics.order_count' }, 1] }, then: [], else: [] }])}
        >
          {t('automation.step.addIf')}
        </Button>
      </Flex>
    </Flex>
  );
};

/** An if/else: its rule as JSON text (kept as typed until it parses), then the two branches. */
const IfStep = ({
  step,
  onChange,
  catalogue,
  refusal,
  at,
}: { step: Extract<Step, { kind: 'if' }>; onChange: (s: Step) => void } & Omit<Props, 'steps' | 'onChange'>) => {
  const t = useT();
  const [text, setText] = React.useState(() => JSON.stringify(step.rule));
  const [bad, setBad] = React.useState(false);
  const ruleErrors = refusal?.under(`${at}/rule`) ?? [];
  return (
    <>
      <Field.Root name="rule" error={bad ? t('automation.ruleJson') : ruleErrors.map((e) => `${e.path || '/'} ${e.message}`).join('; ') || undefined}>
        <Field.Label>{t('automation.field.ifRule')}</Field.Label>
        <Textarea
          value={text}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => {
            setText(e.target.value);
            try {
              onChange({ ...step, rule: JSON.parse(e.target.value) });
              setBad(false);
            } catch {
              setBad(true);
            }
          }}
        />
        <Field.Error />
      </Field.Root>
      {(['then', 'else'] as const).map((branch) => (
        <Box key={branch} paddingLeft={4}>
          <Typography variant="pi" fontWeight="bold">
            {t(`automation.branch.${branch}`)}
          </Typography>
          <StepsEditor
            steps={step[branch]}
            onChange={(steps) => onChange({ ...step, [branch]: steps })}
            catalogue={catalogue}
            refusal={refusal}
            at={`${at}/${branch}`}
          />
        </Box>
      ))}
    </>
  );
};
