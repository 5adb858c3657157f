import * as React from 'react';
import { Combobox, ComboboxOption, Field, Typography } from '@strapi/design-system';
import { webhookEndpointsApi } from '../../../shared/contracts/automation-endpoints';
import { reportsApi } from '../../../shared/contracts/reports';
import { segmentsApi } from '../../../shared/contracts/segments';
import { tagsApi } from '../../../shared/contracts/tags';
import { isAbort, toApiError, type ApiClient } from '../api/client';
import { useApiClient } from '../api/useApi';
import { useT } from '../utils/translate';

type T = ReturnType<typeof useT>;

/** What a picker chooses among; `staticSegment`: only segments whose members are kept by hand (the "add to segment" step). */
export type EntityKind = 'segment' | 'staticSegment' | 'tag' | 'campaign' | 'endpoint';

/** `known: false`: a chosen id the list does not hold. */
type Option = { id: number; label: string; known?: false };

// The largest page each list answers: the combobox then filters by name as the user types.
const LIST_SIZE = 500;

/** How each kind's options are read through the typed API client. */
const SOURCES: Record<EntityKind, (api: ApiClient, signal: AbortSignal, t: T) => Promise<Option[]>> = {
  segment: async (api, signal) =>
    (await api.request(segmentsApi.list, { query: { pageSize: LIST_SIZE } }, { signal })).data.map((s) => ({ id: s.id, label: s.name })),
  staticSegment: async (api, signal) =>
    (await api.request(segmentsApi.list, { query: { pageSize: LIST_SIZE } }, { signal })).data
      .filter((s) => s.type === 'static')
      .map((s) => ({ id: s.id, label: s.name })),
  tag: async (api, signal) => (await api.request(tagsApi.list, { query: {} }, { signal })).data.map((tag) => ({ id: tag.id, label: tag.name })),
  campaign: async (api, signal) =>
    (await api.request(reportsApi.campaigns, { query: { limit: LIST_SIZE } }, { signal })).data.map((c) => ({
      id: c.id,
      label: c.channel ? `${c.name} · ${c.channel}` : c.name,
    })),
  endpoint: async (api, signal, t) =>
    (await api.request(webhookEndpointsApi.list, {}, { signal })).data.map((e) => ({
      id: e.id,
      label: `${e.name} · ${e.url}${e.enabled ? '' : ` (${t('automation.field.endpointDisabled')})`}`,
    })),
};

const useOptions = (kind: EntityKind) => {
  const api = useApiClient();
  const t = useT();
  const [state, setState] = React.useState<{ options?: Option[]; error?: string }>({});
  React.useEffect(() => {
    const controller = new AbortController();
    setState({});
    SOURCES[kind](api, controller.signal, t)
      .then((options) => setState({ options }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted && !isAbort(error)) setState({ error: toApiError(error).message });
      });
    return () => controller.abort();
    // The messages (t) change with the language, which reloads the admin anyway.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, kind]);
  return state;
};

/**
 * A segment, tag, campaign or webhook endpoint chosen by name and stored by id. The list is
 * searched as the user types (any part of the name); an id that is not among the loaded ones (deleted, or beyond the
 * first page) stays shown as "#id" rather than vanishing. `required` fields cannot be cleared;
 * the others answer `undefined` when cleared. The field's `error` (a server refusal at its JSON
 * pointer) wins over a failed load.
 */
export const EntityPicker = ({
  kind,
  name,
  label,
  value,
  onChange,
  error,
  hint,
  required = false,
  testId,
}: {
  kind: EntityKind;
  /** The field's name (the input's id and name). */
  name: string;
  label: string;
  /** The chosen id; 0 or undefined: none yet. */
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  testId?: string;
}) => {
  const t = useT();
  const { options, error: loadError } = useOptions(kind);
  const chosen = value ? (options?.find((o) => o.id === value) ?? { id: value, label: `#${value}`, known: false as const }) : undefined;
  const listed = chosen && !options?.some((o) => o.id === chosen.id) ? [chosen, ...(options ?? [])] : (options ?? []);
  // What the input shows: the text being typed, else the chosen option's name.
  const [typed, setTyped] = React.useState<string | null>(null);
  const empty = options && options.length === 0 ? t(`picker.none.${kind}`) : undefined;
  return (
    <Field.Root name={name} error={error ?? loadError ?? empty} hint={hint} required={required}>
      <Field.Label>{label}</Field.Label>
      <Combobox
        // A list filtered by any part of the name, without inline completion (which would fight the typed text kept here).
        autocomplete={{ type: 'list', filter: 'contains' }}
        value={chosen ? String(chosen.id) : ''}
        textValue={typed ?? chosen?.label ?? ''}
        onTextValueChange={(text: string) => setTyped(text)}
        onOpenChange={(open: boolean) => !open && setTyped(null)}
        onChange={(v?: string) => {
          setTyped(null);
          if (v) onChange(Number(v));
        }}
        onClear={
          required
            ? undefined
            : () => {
                setTyped(null);
                onChange(undefined);
              }
        }
        clearLabel={t('picker.clear')}
        placeholder={t(`picker.choose.${kind}`)}
        loading={!options && !loadError}
        loadingMessage={t('picker.loading')}
        noOptionsMessage={(text: string) => t('picker.noMatch', { text })}
        data-testid={testId}
      >
        {listed.map((o) => (
          <ComboboxOption key={o.id} value={String(o.id)} textValue={o.label}>
            {o.label}
            {o.known !== false && (
              <Typography variant="pi" textColor="neutral500">
                {' '}
                #{o.id}
              </Typography>
            )}
          </ComboboxOption>
        ))}
      </Combobox>
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};
