import { Badge, Box, Button, Flex, Modal, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { segmentHistoryApi, type VersionDiff as Diff } from '../../../../shared/contracts/segment-history';
import { useApi } from '../../api/useApi';
import { RuleSentences } from '../../components/RuleSentences';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useT, type MessageKey } from '../../utils/translate';

/** A setting's value in words: labels for enums, the parent's key, a dash for none. */
const useSettingText = () => {
  const t = useT();
  return (field: Diff['settings'][number]['field'], value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (field === 'type') return t(`segment.type.${value}` as MessageKey);
    if (field === 'status') return t(`status.${value}` as MessageKey);
    if (field === 'visibility') return t(`visibility.${value}` as MessageKey);
    if (field === 'parent') return (value as { key: string }).key;
    return String(value);
  };
};

/** One condition as sentences, or its JSON-Logic when it cannot be written so. */
const Condition = ({ node }: { node: unknown }) => (
  <RuleSentences
    rule={node}
    fallback={
      <Box tag="pre" padding={2} background="neutral100" hasRadius style={{ fontSize: 12, overflowX: 'auto' }}>
        {JSON.stringify(node)}
      </Box>
    }
  />
);

const KIND_COLOUR = { added: 'success', removed: 'danger', changed: 'warning' } as const;

/** The difference between two versions: settings before and after, and the rule's conditions added, removed or changed. */
export const VersionDiffView = ({ segmentId, from, to, onClose }: { segmentId: number; from: number; to: number; onClose: () => void }) => {
  const t = useT();
  const text = useSettingText();
  const diff = useApi(segmentHistoryApi.diff, { params: { id: segmentId }, query: { from, to } });
  const d = diff.data;
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('history.diffTitle', { from, to })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {diff.isLoading && !d && <SectionLoading />}
          {diff.error && <SectionError error={diff.error} onRetry={diff.reload} />}
          {d && d.settings.length === 0 && d.rule.length === 0 && <SectionEmpty message={t('history.noDiff')} />}
          {d && d.settings.length > 0 && (
            <Table colCount={3} rowCount={d.settings.length + 1} data-testid="ci-diff-settings">
              <Thead>
                <Tr>
                  {(['history.field', 'history.before', 'history.after'] as const).map((c) => (
                    <Th key={c}>
                      <Typography variant="sigma">{t(c)}</Typography>
                    </Th>
                  ))}
                </Tr>
              </Thead>
              <Tbody>
                {d.settings.map((s) => (
                  <Tr key={s.field}>
                    <Td>
                      <Typography fontWeight="bold">{t(`history.field.${s.field}` as MessageKey)}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor="danger600">{text(s.field, s.before)}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor="success600">{text(s.field, s.after)}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          {d && d.rule.length > 0 && (
            <Flex direction="column" alignItems="stretch" gap={3} paddingTop={4} data-testid="ci-diff-rule">
              <Typography variant="delta">{t('segment.rule')}</Typography>
              {d.rule.map((c) => (
                <Box key={`${c.kind}${c.path}`} padding={3} background="neutral100" hasRadius data-testid="ci-diff-condition" data-kind={c.kind}>
                  <Badge active={false} backgroundColor={`${KIND_COLOUR[c.kind]}100`} textColor={`${KIND_COLOUR[c.kind]}700`}>
                    {t(`history.rule.${c.kind}`)}
                  </Badge>
                  {c.kind !== 'added' && (
                    <Box paddingTop={2}>
                      {c.kind === 'changed' && <Typography variant="pi">{t('history.before')}</Typography>}
                      <Condition node={c.before} />
                    </Box>
                  )}
                  {c.kind !== 'removed' && (
                    <Box paddingTop={2}>
                      {c.kind === 'changed' && <Typography variant="pi">{t('history.after')}</Typography>}
                      <Condition node={c.after} />
                    </Box>
                  )}
                </Box>
              ))}
            </Flex>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.close')}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
