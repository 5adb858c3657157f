import * as React from 'react';
import { Box, Checkbox, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Drag } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { label, useEnumLabel, useT } from '../../utils/translate';
import { NO_MESSAGES, NO_WARNINGS, useBuilder, useBuilderStatus } from './context';
import { NodeMessages } from './NodeMessages';
import { NODE_MIME } from './dnd';
import { operatorsFor, type Condition, type Subject } from './model';
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

/** "all time" or "in the last N days": the window of a behaviour count (null days: all time). */
const WindowPicker = ({ id, days, onChange }: { id: string; days: number | null; onChange: (days: number | null) => void }) => {
  const t = useT();
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
};

/** One condition. Memoised: it renders again only when its own node or its messages change. */
export const ConditionRow = React.memo(function ConditionRow({ condition }: { condition: Condition }) {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { update, catalogue, fieldByPath } = useBuilder();
  const { errors, warnings } = useBuilderStatus();
  const subjectText = useSubjectText();
  const onKeyDown = useRowKeys(condition.id);
  const { subject } = condition;
  const field = subject.kind === 'field' ? fieldByPath.get(subject.path) : undefined;
  const ops = operatorsFor(subject, field?.operators);
  const set = (patch: Partial<Condition>) => update(condition.id, patch);
  const setSubject = (patch: Partial<Subject>) => set({ subject: { ...subject, ...patch } as Subject });
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
        <Box data-testid={`ci-not-${condition.id}`}>
          <Checkbox checked={condition.not} onCheckedChange={(checked: boolean) => set({ not: checked === true })}>
            {t('builder.not')}
          </Checkbox>
        </Box>
        <Typography fontWeight="bold">{name}</Typography>
        {subject.kind === 'event_count' && (
          <SingleSelect
            aria-label={t('builder.eventType')}
            value={subject.eventType}
            onChange={(v: string | number) => setSubject({ eventType: String(v) } as Partial<Subject>)}
          >
            {catalogue.eventTypes.map((e) => (
              <SingleSelectOption key={e} value={e}>
                {enumLabel('event', e)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        )}
        {(subject.kind === 'event_count' || subject.kind === 'order_count' || subject.kind === 'order_total') && (
          <WindowPicker id={condition.id} days={subject.days} onChange={(days) => setSubject({ days } as Partial<Subject>)} />
        )}
        {ops.length > 1 ? (
          <Box data-testid={`ci-op-${condition.id}`}>
            <SingleSelect
              aria-label={t('builder.operator')}
              value={condition.op}
              onChange={(v: string | number) => {
                const op = String(v);
                const wasList = condition.op === 'in' || condition.op.startsWith('between');
                const isList = op === 'in' || op.startsWith('between');
                set({ op, value: wasList === isList ? condition.value : op === 'within_days' || op === 'before_days' ? 30 : null });
              }}
            >
              {ops.map((op) => (
                <SingleSelectOption key={op} value={op}>
                  {t(`op.${op}` as any)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
        ) : (
          <Typography>{t(`op.${ops[0]}` as any)}</Typography>
        )}
        <ValueInput condition={condition} fieldType={valueType(condition, field?.type)} onChange={(value) => set({ value })} />
        <Box marginLeft="auto">
          <NodeToolbar id={condition.id} name={name} />
        </Box>
      </Flex>
      <NodeMessages errors={myErrors} warnings={myWarnings} />
    </Box>
  );
});
