import { Button, Modal, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { useApi } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { SectionEmpty, SectionError, SectionLoading } from '../../components/States';
import { useEnumLabel, useT } from '../../utils/translate';

const COLUMNS = ['tags.log.at', 'tags.log.trigger', 'tags.log.customers', 'tags.log.matched', 'tags.log.changed', 'tags.log.duration'] as const;

/** A tag's auto-rule log: its last applications (data change, schedule, by hand), newest first. */
export const RuleLogDialog = ({ tag, onClose }: { tag: Tag; onClose: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const log = useApi(tagsApi.ruleLog, { params: { id: tag.id }, query: { limit: 20 } });
  let body;
  if (log.isLoading && !log.data) body = <SectionLoading />;
  else if (log.error || !log.data) body = <SectionError error={log.error} onRetry={log.reload} />;
  else if (log.data.length === 0) body = <SectionEmpty message={t('tags.log.empty')} />;
  else
    body = (
      <Table colCount={COLUMNS.length} rowCount={log.data.length + 1}>
        <Thead>
          <Tr>
            {COLUMNS.map((c) => (
              <Th key={c}>
                <Typography variant="sigma">{t(c)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {log.data.map((line) => (
            <Tr key={line.id} data-testid="ci-tag-log-line">
              <Td>
                <Typography variant="pi">{when(line.at)}</Typography>
              </Td>
              <Td>
                <Typography variant="pi">{enumLabel('tag.trigger', line.trigger)}</Typography>
              </Td>
              <Td>
                <Typography variant="pi">{line.customers === null ? t('tags.log.everyone') : line.customers.toLocaleString()}</Typography>
              </Td>
              <Td>
                <Typography variant="pi">{line.matched.toLocaleString()}</Typography>
              </Td>
              <Td>
                <Typography variant="pi">{t('tags.log.moved', { added: line.added, removed: line.removed })}</Typography>
              </Td>
              <Td>
                <Typography variant="pi">{t('tags.log.ms', { ms: line.durationMs })}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    );
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('tags.log.title', { name: tag.name })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Typography tag="p" variant="pi" textColor="neutral600">
            {t('tags.log.hint')}
          </Typography>
          <div data-testid="ci-tag-log">{body}</div>
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
