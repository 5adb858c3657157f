import { pluginPath } from '../../utils/paths';
import * as React from 'react';
import { Badge, Box, Flex, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { CaretDown, CaretUp, Drag } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { Link } from 'react-router-dom';
import { segmentsApi, type TreeNode } from '../../../../shared/contracts/segments';
import { errorMessage, useApi, useApiClient } from '../../api/useApi';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';

const MIME = 'application/x-ci-segment';
const flatten = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);
const contains = (node: TreeNode, id: number): boolean => node.id === id || node.children.some((c) => contains(c, id));

/**
 * Parent/child view. Drag a segment onto another to re-parent it (or onto the top bar to make it
 * top level); the "parent" picker does the same from the keyboard. The server refuses cycles and
 * excess depth, and its message is shown.
 */
export const SegmentTree = () => {
  const t = useT();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const { can } = usePermissions();
  const tree = useApi(segmentsApi.tree, {});
  const [collapsed, setCollapsed] = React.useState<Set<number>>(new Set());
  const [over, setOver] = React.useState<number | 'root' | null>(null);
  const movable = can['segments.update'];
  if (tree.isLoading && !tree.data) return <SectionLoading />;
  if (tree.error || !tree.data) return <SectionError error={tree.error} onRetry={tree.reload} />;
  if (tree.data.length === 0) return <SectionEmpty message={t('segments.empty')} />;
  const all = flatten(tree.data);

  const reparent = async (id: number, parent: number | null) => {
    const node = all.find((n) => n.id === id);
    if (!node) return;
    if (parent !== null && contains(node, parent)) {
      toggleNotification({ type: 'warning', message: t('tree.cycle') });
      return;
    }
    try {
      await api.request(segmentsApi.update, { params: { id }, body: { parent } });
    } catch (e) {
      toggleNotification({ type: 'danger', message: t('tree.refused', { message: errorMessage(e) }) });
      return;
    }
    toggleNotification({ type: 'success', message: t('tree.moved', { name: node.name }) });
    tree.reload();
  };

  const dropProps = (target: number | 'root') =>
    movable
      ? {
          onDragOver: (e: React.DragEvent) => {
            if (!e.dataTransfer.types.includes(MIME)) return;
            e.preventDefault();
            e.stopPropagation();
            setOver(target);
          },
          onDragLeave: () => setOver(null),
          onDrop: (e: React.DragEvent) => {
            e.preventDefault();
            e.stopPropagation();
            setOver(null);
            const id = Number(e.dataTransfer.getData(MIME));
            if (id && id !== target) void reparent(id, target === 'root' ? null : target);
          },
        }
      : {};

  const renderNode = (node: TreeNode) => {
    const open = !collapsed.has(node.id);
    return (
      <Box key={node.id} paddingLeft={node.depth > 1 ? 6 : 0} role="treeitem" aria-expanded={node.children.length ? open : undefined}>
        <Box
          padding={2}
          hasRadius
          background={over === node.id ? 'primary100' : 'neutral0'}
          borderColor="neutral200"
          borderStyle="solid"
          borderWidth="1px"
          marginBottom={1}
          draggable={movable}
          onDragStart={(e: React.DragEvent) => e.dataTransfer.setData(MIME, String(node.id))}
          data-testid={`ci-tree-${node.key}`}
          {...dropProps(node.id)}
        >
          <Flex gap={2}>
            {node.children.length > 0 ? (
              <IconButton
                label={open ? t('tree.collapse', { name: node.name }) : t('tree.expand', { name: node.name })}
                variant="ghost"
                onClick={() =>
                  setCollapsed((s) => {
                    const next = new Set(s);
                    if (next.has(node.id)) next.delete(node.id);
                    else next.add(node.id);
                    return next;
                  })
                }
              >
                {open ? <CaretUp /> : <CaretDown />}
              </IconButton>
            ) : (
              <Box width="32px" />
            )}
            {movable && <Drag aria-hidden />}
            <Link to={pluginPath(`segments/${node.id}`)}>
              <Typography fontWeight="bold">{node.name}</Typography>
            </Link>
            <Badge>{t(`segment.type.${node.type}`)}</Badge>
            <Typography variant="pi" textColor="neutral600">
              {t('tree.members', { n: node.memberCount.toLocaleString() })}
            </Typography>
            {movable && (
              <Box marginLeft="auto" minWidth="220px">
                <SingleSelect
                  size="S"
                  aria-label={t('tree.parentOf', { name: node.name })}
                  value={String(all.find((p) => p.children.some((c) => c.id === node.id))?.id ?? 'none')}
                  onChange={(v: string | number) => void reparent(node.id, v === 'none' ? null : Number(v))}
                >
                  <SingleSelectOption value="none">{t('save.noParent')}</SingleSelectOption>
                  {all
                    .filter((p) => !contains(node, p.id))
                    .map((p) => (
                      <SingleSelectOption key={p.id} value={String(p.id)}>
                        {p.name}
                      </SingleSelectOption>
                    ))}
                </SingleSelect>
              </Box>
            )}
          </Flex>
        </Box>
        {open && node.children.map(renderNode)}
      </Box>
    );
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={2} role="tree" aria-label={t('segments.tree')} data-testid="ci-segment-tree">
      {movable && (
        <Box
          padding={3}
          hasRadius
          background={over === 'root' ? 'primary100' : 'neutral100'}
          borderStyle="dashed"
          borderWidth="1px"
          borderColor="neutral300"
          {...dropProps('root')}
        >
          <Typography variant="pi" textColor="neutral600">
            {t('tree.dropRoot')}
          </Typography>
        </Box>
      )}
      {tree.data.map(renderNode)}
    </Flex>
  );
};
