import * as React from 'react';
import { Box, Flex, Searchbar, Typography } from '@strapi/design-system';
import { Drag } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Catalogue } from '../../../../shared/contracts/rules';
import { usePermissions } from '../../hooks/usePermissions';
import { label, useT, type MessageKey } from '../../utils/translate';
import { SUBJECT_MIME, type SubjectDrag } from './dnd';
import type { Subject } from './model';

type Item = { id: string; text: string; drag: SubjectDrag };
type Section = { key: string; title: MessageKey; items: Item[] };

const useSections = (catalogue: Catalogue): Section[] => {
  const t = useT();
  const { locale } = useIntl();
  // Sensitive fields are offered only to users who may read them: the server refuses such a rule from anyone else.
  const { can } = usePermissions();
  const fieldItems = (group: string) =>
    catalogue.fields
      .filter((f) => f.group === group && (!f.sensitive || can['sensitive.view']))
      .map((f) => ({ id: f.path, text: label(f.labels, locale, f.path), drag: { subject: { kind: 'field', path: f.path } as Subject, fieldType: f.type } }));
  const behaviour: Item[] = [
    { id: 'event_count', text: t('builder.subject.event_count'), drag: { subject: { kind: 'event_count', eventType: catalogue.eventTypes[0], days: 30 } } },
    { id: 'order_count', text: t('builder.subject.order_count'), drag: { subject: { kind: 'order_count', days: 365 } } },
    { id: 'order_total', text: t('builder.subject.order_total'), drag: { subject: { kind: 'order_total', days: 365 } } },
    { id: 'in_segment', text: t('builder.subject.segment'), drag: { subject: { kind: 'segment' } } },
  ];
  return [
    { key: 'customer', title: 'builder.group.customer', items: fieldItems('customer') },
    { key: 'metrics', title: 'builder.group.metrics', items: fieldItems('metrics') },
    { key: 'score', title: 'builder.group.score', items: fieldItems('score') },
    { key: 'tags', title: 'builder.group.tags', items: [{ id: 'has_tag', text: t('builder.subject.tag'), drag: { subject: { kind: 'tag' } } }] },
    { key: 'behaviour', title: 'builder.group.behaviour', items: behaviour },
  ];
};

/**
 * The searchable field list. Drag an item onto a group, or press Enter / click to add it to the
 * group that is currently selected (the keyboard path).
 */
export const CataloguePanel = React.memo(function CataloguePanel({ catalogue, onAdd }: { catalogue: Catalogue; onAdd: (drag: SubjectDrag) => void }) {
  const t = useT();
  const [query, setQuery] = React.useState('');
  const sections = useSections(catalogue);
  const q = query.trim().toLowerCase();
  const visible = sections
    .map((s) => ({ ...s, items: s.items.filter((i) => !q || i.text.toLowerCase().includes(q) || i.id.toLowerCase().includes(q)) }))
    .filter((s) => s.items.length > 0);
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="ci-catalogue">
      <Searchbar
        name="catalogue-search"
        value={query}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQuery(e.target.value)}
        onClear={() => setQuery('')}
        clearLabel={t('action.clear')}
        placeholder={t('builder.catalogue.search')}
      >
        {t('builder.catalogue.search')}
      </Searchbar>
      <Typography variant="pi" textColor="neutral600">
        {t('builder.catalogue.hint')}
      </Typography>
      {visible.length === 0 && <Typography textColor="neutral600">{t('builder.catalogue.none')}</Typography>}
      {visible.map((section) => (
        <Box key={section.key} role="group" aria-label={t(section.title)}>
          <Typography variant="sigma" textColor="neutral600" tag="h3">
            {t(section.title)}
          </Typography>
          <Flex direction="column" alignItems="stretch" gap={1} paddingTop={1}>
            {section.items.map((item) => (
              <Box
                key={item.id}
                tag="button"
                type="button"
                draggable
                onDragStart={(e: React.DragEvent) => {
                  e.dataTransfer.setData(SUBJECT_MIME, JSON.stringify(item.drag));
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onAdd(item.drag)}
                padding={2}
                hasRadius
                background="neutral100"
                borderColor="neutral200"
                style={{ cursor: 'grab', textAlign: 'left', borderStyle: 'solid', borderWidth: 1 }}
                data-testid={`ci-field-${item.id}`}
                aria-label={t('builder.catalogue.add', { field: item.text })}
              >
                <Flex gap={2}>
                  <Drag aria-hidden />
                  <Typography>{item.text}</Typography>
                </Flex>
              </Box>
            ))}
          </Flex>
        </Box>
      ))}
    </Flex>
  );
});
