import * as React from 'react';
import { Box, Flex, Grid, Tabs, Typography, VisuallyHidden } from '@strapi/design-system';
import { Page } from '@strapi/strapi/admin';
import { useCatalogue, useSegmentOptions, useTagOptions } from '../../api/useCatalogue';
import { SectionError } from '../../components/States';
import { useT } from '../../utils/translate';
import type { RuleWarning } from '../../../../shared/contracts/rules';
import type { FieldError } from '../../../../shared/errors';
import { CataloguePanel } from './CataloguePanel';
import { BuilderContext, type BuilderContextValue } from './context';
import { unfinishedNodes } from './completeness';
import type { SubjectDrag } from './dnd';
import { GroupBox } from './GroupBox';
import { JsonView } from './JsonView';
import { findNode, insertNode, newCondition, nodeForPointer, toRule, type Group } from './model';
import { PreviewPanel } from './PreviewPanel';
import { usePreview, type PreviewScope, type PreviewState } from './usePreview';
import { WarningsPanel } from './WarningsPanel';

export type RuleBuilderChange = { rule: unknown; complete: boolean; preview: PreviewState };

/**
 * Field catalogue (left), condition tree (right, or its JSON), live preview (bottom).
 * Used by the segment builder page and by the tag center's auto rules. `refused`: the errors of a
 * save the server refused, with pointers into this rule, shown at their conditions.
 */
export const RuleBuilder = ({
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
}) => {
  const t = useT();
  const catalogue = useCatalogue();
  const tags = useTagOptions();
  const segments = useSegmentOptions();
  const [root, setRoot] = React.useState<Group>(initial);
  const [activeGroup, setActiveGroup] = React.useState(initial.id);
  const [announcement, setAnnouncement] = React.useState('');

  const { rule, pointers } = React.useMemo(() => toRule(root), [root]);
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
  }, [root, activeGroup]);

  const byNode = (items: { path: string; message: string }[]) => {
    const map = new Map<string, string[]>();
    for (const item of items) {
      const id = nodeForPointer(pointers, item.path) ?? root.id;
      map.set(id, [...(map.get(id) ?? []), item.message]);
    }
    return map;
  };
  const serverErrors = [...(preview.status === 'invalid' ? preview.errors : []), ...(refused ?? [])];
  const warnings: RuleWarning[] = preview.status === 'ok' ? preview.warnings : [];
  const errors = byNode([
    ...serverErrors,
    // An empty builder is a starting point, not an error.
    ...[...unfinished]
      .filter(([id]) => id !== root.id || root.children.length > 0)
      .map(([id, why]) => ({
        path: [...pointers].find(([, nodeId]) => nodeId === id)?.[0] ?? '',
        message: why === 'empty' ? t('builder.needsCondition') : t('builder.needsValue'),
      })),
  ]);

  const addSubject = (drag: SubjectDrag, groupId = activeGroup, index?: number) => {
    const group = findNode(root, groupId);
    const at = index ?? (group?.type === 'group' ? group.children.length : 0);
    const condition = newCondition(drag.subject, drag.fieldType);
    setRoot(insertNode(root, group ? groupId : root.id, at, condition));
    setAnnouncement(t('builder.added'));
  };

  if (catalogue.isLoading) return <Page.Loading />;
  if (catalogue.error || !catalogue.data) return <SectionError error={catalogue.error} onRetry={catalogue.reload} />;

  const value: BuilderContextValue = {
    root,
    setRoot,
    catalogue: catalogue.data,
    tags: tags.data ?? [],
    segments: segments.data ?? [],
    activeGroup,
    setActiveGroup,
    addSubject,
    errors,
    warnings: byNode(warnings.map((w) => ({ path: w.path, message: w.message }))),
    announce: setAnnouncement,
  };

  return (
    <BuilderContext.Provider value={value}>
      <VisuallyHidden aria-live="assertive">{announcement}</VisuallyHidden>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Grid.Root gap={4}>
          <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
            <Box padding={4} background="neutral0" shadow="tableShadow" hasRadius style={{ maxHeight: 640, overflowY: 'auto' }}>
              <CataloguePanel catalogue={catalogue.data} onAdd={(drag) => addSubject(drag)} />
            </Box>
          </Grid.Item>
          <Grid.Item col={9} s={12} direction="column" alignItems="stretch">
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
                    <JsonView
                      rule={rule}
                      onApply={(next) => {
                        setRoot(next);
                        setActiveGroup(next.id);
                      }}
                    />
                  </Box>
                </Tabs.Content>
              </Tabs.Root>
            </Box>
          </Grid.Item>
        </Grid.Root>
        <WarningsPanel warnings={warnings} pointers={pointers} root={root} setRoot={setRoot} />
        <PreviewPanel state={preview} incomplete={!complete && root.children.length > 0} />
      </Flex>
    </BuilderContext.Provider>
  );
};
