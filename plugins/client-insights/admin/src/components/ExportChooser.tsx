import * as React from 'react';
import { Box, Button, Checkbox, Flex, IconButton, Modal, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp } from '@strapi/icons';
import { useIntl } from 'react-intl';
import {
  DEFAULT_EXPORT_FIELDS,
  EXPORT_FIELD_KEYS,
  EXPORT_FIELD_LABELS,
  EXPORT_FORMATS,
  type ExportField,
  type ExportFormat,
} from '../../../shared/export-fields';
import { useCatalogue } from '../api/useCatalogue';
import { label, useT } from '../utils/translate';

export type ExportChoice = { fields: ExportField[]; format: ExportFormat };

/**
 * The export dialog: the format (CSV or Excel) and the fields, in the order they will be written
 * (tick to include, arrows to move). Labels are the rule catalogue's and shared/export-fields.ts',
 * the same words the file's header gets. Starts from the source's default fields.
 */
export const ExportChooser = ({
  source,
  open,
  onClose,
  onExport,
}: {
  source: keyof typeof DEFAULT_EXPORT_FIELDS;
  open: boolean;
  onClose: () => void;
  onExport: (choice: ExportChoice) => void;
}) => {
  const t = useT();
  const { locale } = useIntl();
  const catalogue = useCatalogue();
  const [format, setFormat] = React.useState<ExportFormat>('xlsx');
  // Every field, the chosen ones first in their order.
  const [order, setOrder] = React.useState<ExportField[]>(() => [
    ...DEFAULT_EXPORT_FIELDS[source],
    ...EXPORT_FIELD_KEYS.filter((f) => !DEFAULT_EXPORT_FIELDS[source].includes(f)),
  ]);
  const [chosen, setChosen] = React.useState<Set<ExportField>>(() => new Set(DEFAULT_EXPORT_FIELDS[source]));
  const byPath = new Map((catalogue.data?.fields ?? []).map((f) => [f.path, f]));
  const nameOf = (f: ExportField) => label(EXPORT_FIELD_LABELS[f] ?? byPath.get(f)?.labels, locale, f);
  const move = (i: number, by: -1 | 1) =>
    setOrder((list) => {
      const next = [...list];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });
  const fields = order.filter((f) => chosen.has(f));
  return (
    <Modal.Root open={open} onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('export.choose.title')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={3}>
            <SingleSelect
              aria-label={t('export.choose.format')}
              value={format}
              onChange={(v: string | number) => setFormat(String(v) as ExportFormat)}
              data-testid="ci-export-format"
            >
              {EXPORT_FORMATS.map((f) => (
                <SingleSelectOption key={f} value={f}>
                  {t(f === 'csv' ? 'export.format.csv' : 'export.format.xlsx')}
                </SingleSelectOption>
              ))}
            </SingleSelect>
            <Typography variant="pi" textColor="neutral600">
              {t('export.choose.hint')}
            </Typography>
            <Box maxHeight="50vh" overflow="auto">
              {order.map((f, i) => (
                <Flex key={f} justifyContent="space-between" paddingTop={1} paddingBottom={1} data-testid={`ci-export-field-${f}`}>
                  <Checkbox
                    checked={chosen.has(f)}
                    onCheckedChange={(on: boolean) =>
                      setChosen((set) => {
                        const next = new Set(set);
                        if (on === true) next.add(f);
                        else next.delete(f);
                        return next;
                      })
                    }
                  >
                    {nameOf(f)}
                  </Checkbox>
                  <Flex gap={1}>
                    <IconButton label={t('export.choose.up')} disabled={i === 0} onClick={() => move(i, -1)} variant="ghost">
                      <ArrowUp />
                    </IconButton>
                    <IconButton label={t('export.choose.down')} disabled={i === order.length - 1} onClick={() => move(i, 1)} variant="ghost">
                      <ArrowDown />
                    </IconButton>
                  </Flex>
                </Flex>
              ))}
            </Box>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button disabled={fields.length === 0} onClick={() => onExport({ fields, format })} data-testid="ci-export-chosen">
            {t('export.choose.start', { n: fields.length })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
