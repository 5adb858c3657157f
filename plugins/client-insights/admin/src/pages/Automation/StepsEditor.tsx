import * as React from 'react';
import { Box, Button, Field, Flex, IconButton, NumberInput, SingleSelect, SingleSelectOption, TextInput, Textarea, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { AutomationCatalogue } from '../../../../shared/contracts/automation';
import type { Action, Step } from '../../../../shared/contracts/automation-definition';
import { ACTION_TYPES, STAGES, type ActionType } from '../../../../shared/enums';
import type { ApiError } from '../../api/client';
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
      return { type, endpointId: 1 };
    case 'task':
      return { type, kind: 'follow_up', title: { en: '' }, assignee: { to: 'owner' }, dueInDays: 1 };
    case 'notify':
      return { type, to: { to: 'owner' }, message: { en: '' }, email: true };
    case 'tag':
      return { type, op: 'add', tagId: 1 };
    case 'stage':
      return { type, stage: 'signed' };
    case 'segment':
      return { type, segmentId: 1 };
  }
};

type Props = { steps: Step[]; onChange: (steps: Step[]) => void; catalogue: AutomationCatalogue | undefined; refusal: ApiError | null; at: string };

/** One text of an action in English (the other languages fall back to it; the API takes them too). */
const Text = ({ name, value, onChange, error, long }: { name: string; value: string; onChange: (v: string) => void; error?: string; long?: boolean }) => (
  <Field.Root name={name} error={error} required>
    <Field.Label>{name}</Field.Label>
    {long ? (
      <Textarea value={value} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)} />
    ) : (
      <TextInput value={value} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)} />
    )}
    <Field.Error />
  </Field.Root>
);

const Id = ({ name, value, onChange, error }: { name: string; value: number; onChange: (v: number) => void; error?: string }) => (
  <Field.Root name={name} error={error} required>
    <Field.Label>{name}</Field.Label>
    <NumberInput value={value} onValueChange={(v: number | undefined) => onChange(v ?? 0)} />
    <Field.Error />
  </Field.Root>
);

/** The fields of one action (English texts; ids of tags, segments, endpoints by number). */
const ActionFields = ({ action, onChange, refusal, at }: { action: Action; onChange: (a: Action) => void; refusal: ApiError | null; at: string }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const err = (p: string) => refusal?.at(`${at}/${p}`) ?? refusal?.at(`${at}/${p}/en`);
  const set = (patch: Record<string, unknown>) => onChange({ ...action, ...patch } as Action);
  switch (action.type) {
    case 'email':
      return (
        <>
          <Text
            name={t('automation.field.subject')}
            value={action.subject.en}
            onChange={(v) => set({ subject: { ...action.subject, en: v } })}
            error={err('subject')}
          />
          <Text name={t('automation.field.body')} long value={action.body.en} onChange={(v) => set({ body: { ...action.body, en: v } })} error={err('body')} />
        </>
      );
    case 'sms':
      return <Text name={t('automation.field.text')} long value={action.text.en} onChange={(v) => set({ text: { en: v } })} error={err('text')} />;
    case 'push':
      return (
        <>
          <Text name={t('automation.field.title')} value={action.title.en} onChange={(v) => set({ title: { ...action.title, en: v } })} error={err('title')} />
          <Text name={t('automation.field.body')} value={action.body.en} onChange={(v) => set({ body: { ...action.body, en: v } })} error={err('body')} />
        </>
      );
    case 'webhook':
      return <Id name={t('automation.field.endpointId')} value={action.endpointId} onChange={(v) => set({ endpointId: v })} error={err('endpointId')} />;
    case 'task':
      return (
        <>
          <Text name={t('automation.field.title')} value={action.title.en} onChange={(v) => set({ title: { ...action.title, en: v } })} error={err('title')} />
          <Id name={t('automation.field.dueInDays')} value={action.dueInDays} onChange={(v) => set({ dueInDays: v })} error={err('dueInDays')} />
        </>
      );
    case 'notify':
      return (
        <Text
          name={t('automation.field.message')}
          long
          value={action.message.en}
          onChange={(v) => set({ message: { ...action.message, en: v } })}
          error={err('message')}
        />
      );
    case 'tag':
      return (
        <>
          <SingleSelect aria-label={t('automation.field.op')} value={action.op} onChange={(v: string | number) => set({ op: v })}>
            <SingleSelectOption value="add">{t('automation.op.add')}</SingleSelectOption>
            <SingleSelectOption value="remove">{t('automation.op.remove')}</SingleSelectOption>
          </SingleSelect>
          <Id name={t('automation.field.tagId')} value={action.tagId} onChange={(v) => set({ tagId: v })} error={err('tagId')} />
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
      return <Id name={t('automation.field.segmentId')} value={action.segmentId} onChange={(v) => set({ segmentId: v })} error={err('segmentId')} />;
  }
};

/** Steps in order: actions, waits, and if/else on a rule (the rule as JSON; its branches edited the same way). */
export const StepsEditor = ({ steps, onChange, catalogue, refusal, at }: Props) => {
  const t = useT();
  const { locale } = useIntl();
  const replace = (i: number, step: Step) => onChange(steps.map((s, j) => (j === i ? step : s)));
  const actionLabel = (type: ActionType) => label(catalogue?.actions.find((a) => a.type === type)?.labels, locale, type);
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
                  value={step.action.type}
                  onChange={(v: string | number) => replace(i, { kind: 'action', action: newAction(v as ActionType) })}
                >
                  {ACTION_TYPES.map((type) => (
                    <SingleSelectOption key={type} value={type}>
                      {actionLabel(type)}
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
        <Button variant="secondary" startIcon={<Plus />} onClick={() => onChange([...steps, { kind: 'action', action: newAction('notify') }])}>
          {t('automation.step.addAction')}
        </Button>
        <Button variant="secondary" startIcon={<Plus />} onClick={() => onChange([...steps, { kind: 'wait', duration: { amount: 1, unit: 'days' } }])}>
          {t('automation.step.addWait')}
        </Button>
        <Button variant="secondary" startIcon={<Plus />} onClick={() => onChange([...steps, { kind: 'wait_until', time: '09:00' }])}>
          {t('automation.step.addWaitUntil')}
        </Button>
        <Button
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
