import * as React from 'react';
import { Flex, IconButton } from '@strapi/design-system';
import { ArrowDown, ArrowLeft, ArrowRight, ArrowUp, Stack, Trash } from '@strapi/icons';
import { useT } from '../../utils/translate';
import { useBuilder } from './context';
import { indent, moveDown, moveUp, outdent, removeNode, wrapInGroup } from './model';

/** Moving a node re-inserts its DOM element, which drops focus: give it back so the next key works. */
const refocus = (id: string, selector = '') =>
  requestAnimationFrame(() => (document.querySelector(`[data-node-id="${id}"]${selector}`) as HTMLElement | null)?.focus());

/** Keyboard twins of drag and drop: move up/down, out of / into a group, wrap, remove. */
export const NodeToolbar = React.memo(function NodeToolbar({ id, name }: { id: string; name: string }) {
  const t = useT();
  const { edit, announce } = useBuilder();
  const act = (fn: typeof moveUp, message: string) => () => {
    if (edit((root) => fn(root, id))) {
      announce(message);
      refocus(id);
    }
  };
  return (
    <Flex gap={1}>
      <IconButton label={t('builder.move.up', { name })} onClick={act(moveUp, t('builder.moved'))} variant="ghost" data-testid={`ci-up-${id}`}>
        <ArrowUp />
      </IconButton>
      <IconButton label={t('builder.move.down', { name })} onClick={act(moveDown, t('builder.moved'))} variant="ghost" data-testid={`ci-down-${id}`}>
        <ArrowDown />
      </IconButton>
      <IconButton label={t('builder.move.out', { name })} onClick={act(outdent, t('builder.moved'))} variant="ghost" data-testid={`ci-out-${id}`}>
        <ArrowLeft />
      </IconButton>
      <IconButton label={t('builder.move.in', { name })} onClick={act(indent, t('builder.moved'))} variant="ghost" data-testid={`ci-in-${id}`}>
        <ArrowRight />
      </IconButton>
      <IconButton
        label={t('builder.wrap', { name })}
        onClick={act((r, i) => wrapInGroup(r, i, 'or'), t('builder.wrapped'))}
        variant="ghost"
        data-testid={`ci-wrap-${id}`}
      >
        <Stack />
      </IconButton>
      <IconButton label={t('builder.remove', { name })} onClick={act(removeNode, t('builder.removed'))} variant="ghost" data-testid={`ci-remove-${id}`}>
        <Trash />
      </IconButton>
    </Flex>
  );
});

/** Alt+Arrow shortcuts on a focused row. */
export const useRowKeys = (id: string) => {
  const { edit, announce } = useBuilder();
  const t = useT();
  return (e: React.KeyboardEvent) => {
    if (!e.altKey) return;
    const fn = { ArrowUp: moveUp, ArrowDown: moveDown, ArrowLeft: outdent, ArrowRight: indent }[e.key];
    if (!fn) return;
    e.preventDefault();
    e.stopPropagation();
    if (edit((root) => fn(root, id))) {
      announce(t('builder.moved'));
      refocus(id);
    }
  };
};
