import * as React from 'react';
import { Button } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useAuth, useNotification } from '@strapi/strapi/admin';
import type { Endpoint, RequestOf } from '../../../shared/contracts/http';
import { downloadCsv } from '../api/client';
import { errorMessage } from '../api/useApi';
import { useT } from '../utils/translate';

/** Calls a CSV export endpoint and saves the answer as a file; a refusal shows the server's message. */
export const CsvButton = <E extends Endpoint>({ endpoint, input, filename, label }: { endpoint: E; input: RequestOf<E>; filename: string; label?: string }) => {
  const t = useT();
  const token = useAuth('CsvButton', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const [busy, setBusy] = React.useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const blob = await downloadCsv(endpoint, input, token, window.strapi?.backendURL ?? '');
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
