import * as React from 'react';
import { Box, Checkbox, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Drag } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { label, useEnumLabel, useT } from '../../utils/translate';
import { NO_MESSAGES, NO_WARNINGS, useBuilder, useBuilderStatus } from './context';
import { NodeMessages } from './NodeMessages';
import { NODE_MIME } from './dnd';
import { findNode, operatorsFor, updateNode, type Condition, type Subject } from './model';
import { NumberField } from './NumberField';
import { NodeToolbar, useRowKeys } from './NodeToolbar';
import { ValueInput } from './ValueInput';

export const useSubjectText = () => {
  const t = useT();
  const { locale } = useIntl();
  const { fieldByPath } = useBuilder();
  return (s: Subject) => {
    switch (s.kind) {
      case 'field':
      case 'days_since': {
        const f = fieldByPath.get(s.path);
        const text = label(f?.labels, locale, s.path);
        return s.kind === 'days_since' ? t('builder.subject.days_since', { field: text }) : text;
      }
      case 'tag':
        return t('builder.subject.tag');
      case 'segment':
        return t('builder.subject.segment');
      default:
        return t(`builder.subject.${s.kind}`);
    }
  };
};

/** The value type the condition compares with. */
const valueType = (c: Condition, fieldType?: string) => {
  if (c.subject.kind === 'field') return c.op === 'contains' ? 'string' : (fieldType ?? 'string');
  return 'number';
};

/** "at any time" or "in the last N days": the window of a behaviour count (null days: all time). Memoised like the pieces below: typing a value skips them. */
const WindowPicker = React.memo(function WindowPicker({ id, subject }: { id: string; subject: Extract<Subject, { days: number | null }> }) {
  const t = useT();
  const { update } = useBuilder();
  const { days } = subject;
  const onChange = (next: number | null) => update(id, { subject: { ...subject, days: next } as Subject });
  return (
    <Flex gap={1} data-testid={`ci-window-${id}`}>
      <SingleSelect
        aria-label={t('builder.windowDays')}
        size="S"
        value={days === null ? 'all' : 'last'}
        onChange={(v: string | number) => onChange(v === 'all' ? null : (days ?? 30))}
      >
        <SingleSelectOption value="all">{t('builder.window.all')}</SingleSelectOption>
        <SingleSelectOption value="last">{t('builder.inLast')}</SingleSelectOption>
      </SingleSelect>
      {days !== null && (
        <>
          <NumberField aria-label={t('builder.windowDays')} name={`days-${id}`} value={days} onChange={onChange} />
          <Typography>{t('builder.days')}</Typography>
        </>
      )}
    </Flex>
  );
});

const NotToggle = React.memo(function NotToggle({ id, not }: { id: string; not: boolean }) {
  const t = useT();
  const { update } = useBuilder();
  return (
    <Box data-testid={`ci-not-${id}`}>
      <Checkbox checked={not} onCheckedChange={(checked: boolean) => update(id, { not: checked === true })}>
        {t('builder.not')}
      </Checkbox>
    </Box>
  );
});

const EventTypePicker = React.memo(function EventTypePicker({ id, subject }: { id: string; subject: Extract<Subject, { kind: 'event_count' }> }) {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { update, catalogue } = useBuilder();
  return (
    <SingleSelect
      aria-label={t('builder.eventType')}
      value={subject.eventType}
      onChange={(v: string | number) => update(id, { subject: { ...subject, eventType: String(v) } })}
    >
      {catalogue.eventTypes.map((e) => (
        <SingleSelectOption key={e} value={e}>
          {enumLabel('event', e)}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );
});

/** The operator; a change between list and single operators resets the value (read from the current tree). */
const OperatorPicker = React.memo(function OperatorPicker({ id, op, ops }: { id: string; op: string; ops: string }) {
  const t = useT();
  const { edit } = useBuilder();
  const list = ops.split(' ');
  if (list.length <= 1) return <Typography>{t(`op.${list[0]}` as any)}</Typography>;
  return (
    <Box data-testid={`ci-op-${id}`}>
      <SingleSelect
        aria-label={t('builder.operator')}
        value={op}
        onChange={(v: string | number) => {
          const next = String(v);
          edit((root) => {
            const node = findNode(root, id);
            if (node?.type !== 'condition') return root;
            const wasList = node.op === 'in' || node.op.startsWith('between');
            const isList = next === 'in' || next.startsWith('between');
            return updateNode(root, id, { op: next, value: wasList === isList ? node.value : next === 'within_days' || next === 'before_days' ? 30 : null });
          });
        }}
      >
        {list.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {t(`op.${o}` as any)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </Box>
  );
});

/** One condition. Memoised: it renders again only when its own node or its messages change. */
export const ConditionRow = React.memo(function ConditionRow({ condition }: { condition: Condition }) {
  const { update, fieldByPath } = useBuilder();
  const { errors, warnings } = useBuilderStatus();
  const subjectText = useSubjectText();
  const onKeyDown = useRowKeys(condition.id);
  const { subject } = condition;
  const field = subject.kind === 'field' ? fieldByPath.get(subject.path) : undefined;
  const ops = operatorsFor(subject, field?.operators);
  const set = (patch: Partial<Condition>) => update(condition.id, patch);
  const myErrors = errors.get(condition.id) ?? NO_MESSAGES;
  const myWarnings = warnings.get(condition.id) ?? NO_WARNINGS;
  const name = subjectText(subject);
  return (
    <Box
      padding={3}
      hasRadius
      background={myErrors.length ? 'danger100' : 'neutral0'}
      borderColor={myErrors.length ? 'danger600' : myWarnings.length ? 'warning600' : 'neutral200'}
      borderStyle="solid"
      borderWidth="1px"
      draggable
      onDragStart={(e: React.DragEvent) => {
        e.stopPropagation();
        e.dataTransfer.setData(NODE_MIME, condition.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onKeyDown={onKeyDown}
      tabIndex={0}
      data-testid="ci-condition"
      data-node-id={condition.id}
      aria-invalid={myErrors.length > 0}
    >
      <Flex gap={2} wrap="wrap" alignItems="center">
        <Drag aria-hidden style={{ cursor: 'grab' }} />
        <NotToggle id={condition.id} not={condition.not} />
        <Typography fontWeight="bold">{name}</Typography>
        {subject.kind === 'event_count' && <EventTypePicker id={condition.id} subject={subject} />}
        {(subject.kind === 'event_count' || subject.kind === 'order_count' || subject.kind === 'order_total') && (
          <WindowPicker id={condition.id} subject={subject} />
        )}
        <OperatorPicker id={condition.id} op={condition.op} ops={ops.join(' ')} />
        <ValueInput condition={condition} fieldType={valueType(condition, field?.type)} onChange={(value) => set({ value })} />
        <Box marginLeft="auto">
          <NodeToolbar id={condition.id} name={name} />
        </Box>
      </Flex>
      <NodeMessages errors={myErrors} warnings={myWarnings} />
    </Box>
  );
});
