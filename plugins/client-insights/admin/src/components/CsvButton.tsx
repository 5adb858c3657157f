import * as React from 'react';
import { Button } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useAuth, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { CSV, Endpoint, RequestOf } from '../../../shared/contracts/http';
import { LOCALES } from '../../../shared/labels';
import { downloadCsv } from '../api/client';
import { errorMessage } from '../api/useApi';
import { useT } from '../utils/translate';

/** A CSV export endpoint; each takes the reader's language and time zone as its query (shared/contracts/http.ts exportQuery). */
type ExportEndpoint = Endpoint & { response: typeof CSV };

/**
 * Calls a CSV export endpoint and saves the answer as a file; a refusal shows the server's message.
 * The file is written in the admin's language and the browser's time zone (labels, codes, dates).
 */
export const CsvButton = <E extends ExportEndpoint>({
  endpoint,
  input,
  filename,
  label,
}: {
  endpoint: E;
  input: Omit<RequestOf<E>, 'query'>;
  filename: string;
  label?: string;
}) => {
  const t = useT();
  const token = useAuth('CsvButton', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const { locale } = useIntl();
  const [busy, setBusy] = React.useState(false);
  const download = async () => {
    setBusy(true);
    try {
      // Languages the exports have (en, zh-Hans, zh); another admin language falls back to Accept-Language.
      const reader = {
        locale: (LOCALES as readonly string[]).includes(locale) ? locale : undefined,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      };
      const blob = await downloadCsv(endpoint, { ...input, query: reader } as RequestOf<E>, token, window.strapi?.backendURL ?? '');
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="secondary" startIcon={<Download />} onClick={download} loading={busy} data-testid="ci-export-csv">
      {label ?? t('action.exportCsv')}
    </Button>
  );
};

declare global {
  interface Window {
    strapi?: { backendURL?: string };
  }
}
