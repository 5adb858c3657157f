import * as React from 'react';
import { Box, Checkbox, Flex, NumberInput, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Drag } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { label, useEnumLabel, useT } from '../../utils/translate';
import { useBuilder } from './context';
import { NODE_MIME } from './dnd';
import { operatorsFor, updateNode, type Condition, type Subject } from './model';
import { NodeToolbar, useRowKeys } from './NodeToolbar';
import { ValueInput } from './ValueInput';

const useSubjectText = () => {
  const t = useT();
  const { locale } = useIntl();
  const { catalogue } = useBuilder();
  return (s: Subject) => {
    switch (s.kind) {
      case 'field':
      case 'days_since': {
        const f = catalogue.fields.find((x) => x.path === s.path);
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

export const ConditionRow = ({ condition }: { condition: Condition }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const { root, setRoot, catalogue, errors, warnings } = useBuilder();
  const subjectText = useSubjectText();
  const onKeyDown = useRowKeys(condition.id);
  const { subject } = condition;
  const field = subject.kind === 'field' ? catalogue.fields.find((f) => f.path === subject.path) : undefined;
  const ops = operatorsFor(subject, field?.operators);
  const set = (patch: Partial<Condition>) => setRoot(updateNode(root, condition.id, patch));
  const setSubject = (patch: Partial<Subject>) => set({ subject: { ...subject, ...patch } as Subject });
  const myErrors = errors.get(condition.id) ?? [];
  const myWarnings = warnings.get(condition.id) ?? [];
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
          <Flex gap={1}>
            <Typography>{t('builder.inLast')}</Typography>
            <NumberInput
              aria-label={t('builder.windowDays')}
              name={`days-${condition.id}`}
              value={subject.days ?? undefined}
              onValueChange={(v: number | undefined) => setSubject({ days: v ?? null } as Partial<Subject>)}
              placeholder={t('builder.allTime')}
            />
            <Typography>{t('builder.days')}</Typography>
          </Flex>
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
      {myErrors.map((m) => (
        <Typography key={m} variant="pi" textColor="danger600" tag="p" role="alert" data-testid="ci-condition-error">
          {m}
        </Typography>
      ))}
      {myWarnings.map((m) => (
        <Typography key={m} variant="pi" textColor="warning700" tag="p" data-testid="ci-condition-warning">
          {m}
        </Typography>
      ))}
    </Box>
  );
};
