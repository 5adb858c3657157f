import * as React from 'react';
import { Box, Button, Checkbox, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { useT } from '../../utils/translate';
import { NO_MESSAGES, NO_WARNINGS, useBuilder, useBuilderStatus } from './context';
import { NodeMessages } from './NodeMessages';
import { isBuilderDrag, NODE_MIME, readDrag } from './dnd';
import { emptyGroup, findNode, insertNode, moveNode, type Group } from './model';
import { ConditionRow } from './ConditionRow';
import { NodeToolbar, useRowKeys } from './NodeToolbar';

/** A slot between children that accepts a dragged field or node. */
const DropZone = React.memo(function DropZone({ groupId, index }: { groupId: string; index: number }) {
  const { edit, addSubject } = useBuilder();
  const [over, setOver] = React.useState(false);
  return (
    <Box
      height={over ? '24px' : '8px'}
      hasRadius
      background={over ? 'primary200' : undefined}
      style={{ transition: 'height 0.1s' }}
      onDragOver={(e: React.DragEvent) => {
        if (!isBuilderDrag(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: React.DragEvent) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        const { subject, nodeId } = readDrag(e);
        if (subject) addSubject(subject, groupId, index);
        else if (nodeId) edit((root) => moveNode(root, nodeId, groupId, index));
      }}
      data-testid={`ci-drop-${groupId}-${index}`}
    />
  );
});

/** The group's operator, negation, target toggle and tools; memoised, so typing in a child skips it. */
const GroupHeader = React.memo(function GroupHeader({
  id,
  op,
  not,
  active,
  isRoot,
  name,
}: {
  id: string;
  op: 'and' | 'or';
  not: boolean;
  active: boolean;
  isRoot: boolean;
  name: string;
}) {
  const t = useT();
  const { edit, update, setActiveGroup } = useBuilder();
  const set = (patch: Partial<Group>) => update(id, patch);
  return (
    <Flex gap={2} wrap="wrap" alignItems="center">
      <SingleSelect aria-label={t('builder.group.combine')} value={op} onChange={(v: string | number) => set({ op: v as 'and' | 'or' })} size="S">
        <SingleSelectOption value="and">{t('builder.group.and')}</SingleSelectOption>
        <SingleSelectOption value="or">{t('builder.group.or')}</SingleSelectOption>
      </SingleSelect>
      <Checkbox checked={not} onCheckedChange={(checked: boolean) => set({ not: checked === true })}>
        {t('builder.not')}
      </Checkbox>
      <Button variant={active ? 'secondary' : 'tertiary'} size="S" onClick={() => setActiveGroup(id)} aria-pressed={active} data-testid={`ci-target-${id}`}>
        {active ? t('builder.group.target') : t('builder.group.makeTarget')}
      </Button>
      <Button
        variant="tertiary"
        size="S"
        startIcon={<Plus />}
        onClick={() => {
          const child = emptyGroup('or');
          edit((root) => {
            const self = findNode(root, id);
            return insertNode(root, id, self?.type === 'group' ? self.children.length : 0, child);
          });
          setActiveGroup(child.id);
        }}
        data-testid={`ci-add-group-${id}`}
      >
        {t('builder.group.add')}
      </Button>
      {!isRoot && (
        <Box marginLeft="auto">
          <NodeToolbar id={id} name={name} />
        </Box>
      )}
    </Flex>
  );
});

/** A group and its children. Memoised: an edit re-renders only the groups on the edited node's path. */
export const GroupBox = React.memo(function GroupBox({ group, isRoot = false }: { group: Group; isRoot?: boolean }) {
  const t = useT();
  const { edit, addSubject } = useBuilder();
  const { activeGroup, errors, warnings } = useBuilderStatus();
  const onKeyDown = useRowKeys(group.id);
  const active = activeGroup === group.id;
  const name = t(group.op === 'and' ? 'builder.group.and' : 'builder.group.or');
  const myErrors = errors.get(group.id) ?? NO_MESSAGES;
  const myWarnings = warnings.get(group.id) ?? NO_WARNINGS;
  return (
    <Box
      padding={3}
      hasRadius
      background={isRoot ? 'neutral100' : 'neutral150'}
      borderColor={active ? 'primary600' : myErrors.length ? 'danger600' : 'neutral300'}
      borderStyle={active ? 'solid' : 'dashed'}
      borderWidth="2px"
      draggable={!isRoot}
      onDragStart={(e: React.DragEvent) => {
        if (isRoot) return;
        e.stopPropagation();
        e.dataTransfer.setData(NODE_MIME, group.id);
      }}
      onDragOver={(e: React.DragEvent) => {
        if (isBuilderDrag(e)) e.preventDefault();
      }}
      onDrop={(e: React.DragEvent) => {
        // Dropped on the group itself (not a slot): append.
        e.preventDefault();
        e.stopPropagation();
        const { subject, nodeId } = readDrag(e);
        if (subject) addSubject(subject, group.id, group.children.length);
        else if (nodeId) edit((root) => moveNode(root, nodeId, group.id, group.children.length));
      }}
      onKeyDown={isRoot ? undefined : onKeyDown}
      tabIndex={isRoot ? undefined : 0}
      data-testid={isRoot ? 'ci-root-group' : 'ci-group'}
      data-node-id={group.id}
      aria-label={name}
      role="group"
    >
      <GroupHeader id={group.id} op={group.op} not={group.not} active={active} isRoot={isRoot} name={name} />
      <NodeMessages errors={myErrors} warnings={myWarnings} />
      <Flex direction="column" alignItems="stretch" gap={0} paddingTop={2}>
        {group.children.length === 0 && (
          <Typography variant="pi" textColor="neutral600" tag="p">
            {t('builder.group.empty')}
          </Typography>
        )}
        <DropZone groupId={group.id} index={0} />
        {group.children.map((child, i) => (
          <React.Fragment key={child.id}>
            {child.type === 'group' ? <GroupBox group={child} /> : <ConditionRow condition={child} />}
            <DropZone groupId={group.id} index={i + 1} />
          </React.Fragment>
        ))}
      </Flex>
    </Box>
  );
});
