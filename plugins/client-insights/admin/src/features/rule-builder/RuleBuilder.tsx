import * as React from 'react';
import { Box, Flex, Grid, Tabs, Typography, VisuallyHidden } from '@strapi/design-system';
import { Page } from '@strapi/strapi/admin';
import { useCatalogue, useSegmentOptions, useTagOptions } from '../../api/useCatalogue';
import { SectionError } from '../../components/States';
import { useT } from '../../utils/translate';
import type { FieldDef, RuleWarning } from '../../../../shared/contracts/rules';
import type { Segment } from '../../../../shared/contracts/segments';
import type { Tag } from '../../../../shared/contracts/tags';
import type { FieldError } from '../../../../shared/errors';
import { CataloguePanel } from './CataloguePanel';
import { BuilderContext, BuilderStatusContext, NO_WARNINGS, type BuilderContextValue, type BuilderStatus } from './context';
import { unfinishedNodes } from './completeness';
import type { SubjectDrag } from './dnd';
import { GroupBox } from './GroupBox';
import { JsonView } from './JsonView';
import { findNode, insertNode, newCondition, nodeForPointer, shapeKey, toRule, updateNode, type Group } from './model';
import { PreviewPanel } from './PreviewPanel';
import { usePreview, type PreviewScope, type PreviewState } from './usePreview';
import { useKeyed } from './useKeyed';
import { WarningsPanel } from './WarningsPanel';

export type RuleBuilderChange = { rule: unknown; complete: boolean; preview: PreviewState };

const NO_TAGS: Tag[] = [];
const NO_SEGMENTS: Segment[] = [];

/** Messages by node id: the deepest node each JSON pointer reaches (the root when none). */
const byNode = <T,>(items: { path: string; item: T }[], pointers: Map<string, string>, rootId: string) => {
  const map = new Map<string, T[]>();
  for (const { path, item } of items) {
    const id = nodeForPointer(pointers, path) ?? rootId;
    map.set(id, [...(map.get(id) ?? []), item]);
  }
  return map;
};

/**
 * Field catalogue (left), condition tree (middle, or its JSON), live preview (right, sticky, so it
 * stays in view while the conditions scroll). Used by the segment builder page and by the tag
 * center's auto rules. `refused`: the errors of a save the server refused, with pointers into this
 * rule, shown at their conditions.
 *
 * Typing must stay cheap with many conditions (issue 12 item 5): edits go through one stable
 * `edit`, the tree keeps unchanged subtrees identical (model.ts), rows and groups are memoised, and
 * the per-node status keeps its identity while its content is the same (useKeyed).
 */
export const RuleBuilder = React.memo(function RuleBuilder({
  initial,
  onChange,
  refused,
  previewScope,
}: {
  initial: Group;
  onChange?: (change: RuleBuilderChange) => void;
  refused?: FieldError[];
  /** The segment being edited (left out of the duplicate-rule warnings, previewed within its stored parent) or a new child's parent. */
  previewScope?: PreviewScope;
}) {
  const t = useT();
  const catalogue = useCatalogue();
  const tags = useTagOptions();
  const segments = useSegmentOptions();
  const [root, setRoot] = React.useState<Group>(initial);
  const [activeGroup, setActive] = React.useState(initial.id);
  const [announcement, setAnnouncement] = React.useState('');
  // The tree and target as of the last edit, so the stable actions below never read a stale closure.
  const rootRef = React.useRef(initial);
  const activeRef = React.useRef(initial.id);

  const edit = React.useCallback((fn: (current: Group) => Group) => {
    const next = fn(rootRef.current);
    if (next === rootRef.current) return false;
    rootRef.current = next;
    setRoot(next);
    return true;
  }, []);
  const update = React.useCallback((id: string, patch: Parameters<typeof updateNode>[2]) => void edit((r) => updateNode(r, id, patch)), [edit]);
  const setActiveGroup = React.useCallback((id: string) => {
    activeRef.current = id;
    setActive(id);
  }, []);
  const added = t('builder.added');
  const addSubject = React.useCallback(
    (drag: SubjectDrag, groupId?: string, index?: number) => {
      const condition = newCondition(drag.subject, drag.fieldType);
      edit((r) => {
        const wanted = findNode(r, groupId ?? activeRef.current);
        const group = wanted?.type === 'group' ? wanted : r;
        return insertNode(r, group.id, index ?? group.children.length, condition);
      });
      setAnnouncement(added);
    },
    [edit, added]
  );

  const rule = React.useMemo(() => toRule(root).rule, [root]);
  // Pointers depend on the tree's shape only: the same Map while the user types values.
  const pointers = useKeyed(() => toRule(root).pointers, shapeKey(root));
  const unfinished = React.useMemo(() => unfinishedNodes(root), [root]);
  const complete = unfinished.size === 0;
  const preview = usePreview(rule, complete, previewScope);

  React.useEffect(() => {
    onChange?.({ rule, complete, preview });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rule, complete, preview]);

  // The active group must exist (it may have been removed).
  React.useEffect(() => {
    if (!findNode(root, activeGroup)) setActiveGroup(root.id);
  }, [root, activeGroup, setActiveGroup]);

  const serverErrors = [...(preview.status === 'invalid' ? preview.errors : []), ...(refused ?? [])];
  const warnings: RuleWarning[] = preview.status === 'ok' ? preview.warnings : NO_WARNINGS;
  const errors = byNode(
    [
      ...serverErrors,
      // An empty builder is a starting point, not an error.
      ...[...unfinished]
        .filter(([id]) => id !== root.id || root.children.length > 0)
        .map(([id, why]) => ({
          path: [...pointers].find(([, nodeId]) => nodeId === id)?.[0] ?? '',
          message: why === 'empty' ? t('builder.needsCondition') : t('builder.needsValue'),
        })),
    ].map((e) => ({ path: e.path, item: e.message })),
    pointers,
    root.id
  );
  const nodeWarnings = byNode(
    warnings.map((w) => ({ path: w.path, item: w })),
    pointers,
    root.id
  );
  const status: BuilderStatus = useKeyed(
    () => ({ errors, warnings: nodeWarnings, activeGroup }),
    JSON.stringify([activeGroup, [...errors], [...nodeWarnings].map(([id, ws]) => [id, ws.map((w) => [w.code, w.path, w.params])])])
  );

  const fieldByPath = React.useMemo(() => new Map<string, FieldDef>((catalogue.data?.fields ?? []).map((f) => [f.path, f])), [catalogue.data]);
  const actions = React.useMemo<BuilderContextValue | null>(
    () =>
      catalogue.data
        ? {
            catalogue: catalogue.data,
            fieldByPath,
            tags: tags.data ?? NO_TAGS,
            segments: segments.data ?? NO_SEGMENTS,
            edit,
            update,
            setActiveGroup,
            addSubject,
            announce: setAnnouncement,
          }
        : null,
    [catalogue.data, fieldByPath, tags.data, segments.data, edit, update, setActiveGroup, addSubject]
  );
  const applyJson = React.useCallback(
    (next: Group) => {
      edit(() => next);
      setActiveGroup(next.id);
    },
    [edit, setActiveGroup]
  );

  if (catalogue.isLoading) return <Page.Loading />;
  if (catalogue.error || !catalogue.data || !actions) return <SectionError error={catalogue.error} onRetry={catalogue.reload} />;

  return (
    <BuilderContext.Provider value={actions}>
      <BuilderStatusContext.Provider value={status}>
        <VisuallyHidden aria-live="assertive">{announcement}</VisuallyHidden>
        <Grid.Root gap={4}>
          <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
            <Box padding={4} background="neutral0" shadow="tableShadow" hasRadius style={{ maxHeight: 640, overflowY: 'auto' }}>
              <CataloguePanel catalogue={catalogue.data} onAdd={addSubject} />
            </Box>
          </Grid.Item>
          <Grid.Item col={5} s={12} direction="column" alignItems="stretch">
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Box padding={4} background="neutral0" shadow="tableShadow" hasRadius>
                <Tabs.Root defaultValue="visual">
                  <Tabs.List aria-label={t('builder.view')}>
                    <Tabs.Trigger value="visual" data-testid="ci-tab-visual">
                      {t('builder.view.visual')}
                    </Tabs.Trigger>
                    <Tabs.Trigger value="json" data-testid="ci-tab-json">
                      {t('builder.view.json')}
                    </Tabs.Trigger>
                  </Tabs.List>
                  <Tabs.Content value="visual">
                    <Box paddingTop={4}>
                      <Typography variant="pi" textColor="neutral600" tag="p">
                        {t('builder.keyboardHelp')}
                      </Typography>
                      <Box paddingTop={2}>
                        <GroupBox group={root} isRoot />
                      </Box>
                    </Box>
                  </Tabs.Content>
                  <Tabs.Content value="json">
                    <Box paddingTop={4}>
                      <JsonView rule={rule} onApply={applyJson} />
                    </Box>
                  </Tabs.Content>
                </Tabs.Root>
              </Box>
              <WarningsPanel warnings={warnings} pointers={pointers} rootId={root.id} />
            </Flex>
          </Grid.Item>
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch" style={{ alignSelf: 'start', position: 'sticky', top: 16 }}>
            <PreviewPanel state={preview} incomplete={!complete && root.children.length > 0} />
          </Grid.Item>
        </Grid.Root>
      </BuilderStatusContext.Provider>
    </BuilderContext.Provider>
  );
});
