import * as React from 'react';
import { Button } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useAuth, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { apiPath } from '../api/useApi';
import { useT } from '../utils/translate';

const EXPORT_LOCALES = ['en', 'zh-Hans', 'zh'];

/**
 * POSTs to a CSV export endpoint and saves the answer as a file (the fetch client only parses JSON).
 * The file is written in the admin's language and the browser's time zone (labels, codes, dates).
 */
export const CsvButton = ({ path, body = {}, filename, label }: { path: string; body?: unknown; filename: string; label?: string }) => {
  const t = useT();
  const token = useAuth('CsvButton', (s: any) => s.token);
  const { toggleNotification } = useNotification();
  const { locale } = useIntl();
  const [busy, setBusy] = React.useState(false);
  const download = async () => {
    setBusy(true);
    try {
      // Languages the exports have (en, zh-Hans, zh); another admin language falls back to Accept-Language.
      const reader = new URLSearchParams({ ...(EXPORT_LOCALES.includes(locale) ? { locale } : {}), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
      const res = await fetch(`${window.strapi?.backendURL ?? ''}${apiPath(path)}?${reader}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const text = await res.text();
        let message = text;
        try {
          const json = JSON.parse(text);
          message = json.error?.message ?? json.errors?.map((e: any) => e.message).join('; ') ?? text;
        } catch {
          /* plain text answer */
        }
        throw new Error(message || `HTTP ${res.status}`);
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      toggleNotification({ type: 'danger', message: (e as Error).message });
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
