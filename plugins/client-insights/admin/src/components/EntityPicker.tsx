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

/**
 * Options matching the typed text, searched on the server (segments, tags and campaigns can be
 * many: a first page alone would hide the rest), at most PAGE of them; webhook endpoints are few
 * and all listed. `one` names a chosen id that the current list does not hold.
 */
const PAGE = 50;
type Source = {
  search(api: ApiClient, signal: AbortSignal, t: T, q: string): Promise<Option[]>;
  one?(api: ApiClient, signal: AbortSignal, id: number): Promise<Option>;
};
const q = (text: string) => (text ? { q: text } : {});
const segmentOption = (s: { id: number; name: string }): Option => ({ id: s.id, label: s.name });
const oneSegment: Source['one'] = async (api, signal, id) =>
  segmentOption((await api.request(segmentsApi.get, { params: { id: String(id) } }, { signal })).data);

const SOURCES: Record<EntityKind, Source> = {
  segment: {
    search: async (api, signal, _t, text) =>
      (await api.request(segmentsApi.list, { query: { pageSize: PAGE, ...q(text) } }, { signal })).data.map(segmentOption),
    one: oneSegment,
  },
  staticSegment: {
    search: async (api, signal, _t, text) =>
      (await api.request(segmentsApi.list, { query: { pageSize: PAGE, type: 'static', ...q(text) } }, { signal })).data.map(segmentOption),
    one: oneSegment,
  },
  tag: {
    search: async (api, signal, _t, text) =>
      (await api.request(tagsApi.list, { query: q(text) }, { signal })).data.slice(0, PAGE).map((tag) => ({ id: tag.id, label: tag.name })),
    one: async (api, signal, id) => {
      const tag = (await api.request(tagsApi.get, { params: { id: String(id) } }, { signal })).data;
      return { id: tag.id, label: tag.name };
    },
  },
  campaign: {
    search: async (api, signal, _t, text) =>
      (await api.request(reportsApi.campaigns, { query: { limit: PAGE, ...q(text) } }, { signal })).data.map((c) => ({
        id: c.id,
        label: c.channel ? `${c.name} · ${c.channel}` : c.name,
      })),
  },
  endpoint: {
    search: async (api, signal, t) =>
      (await api.request(webhookEndpointsApi.list, {}, { signal })).data.map((e) => ({
        id: e.id,
        label: `${e.name} · ${e.url}${e.enabled ? '' : ` (${t('automation.field.endpointDisabled')})`}`,
      })),
  },
};

/** Typing pauses this long before the server is asked. */
const SEARCH_DELAY_MS = 250;

const useOptions = (kind: EntityKind, text: string) => {
  const api = useApiClient();
  const t = useT();
  const [state, setState] = React.useState<{ options?: Option[]; error?: string; searched?: string }>({});
  React.useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        SOURCES[kind]
          .search(api, controller.signal, t, text)
          .then((options) => setState({ options, searched: text }))
          .catch((error: unknown) => {
            if (!controller.signal.aborted && !isAbort(error)) setState({ error: toApiError(error).message });
          }),
      text ? SEARCH_DELAY_MS : 0
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // The messages (t) change with the language, which reloads the admin anyway.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, kind, text]);
  return state;
};

/**
 * The chosen id's option: from the list when it holds it, else read once by id (`#id` while unknown
 * or gone). Not read while the first page is loading (`loading`): that page usually names it.
 */
const useChosen = (kind: EntityKind, value: number | undefined, options: Option[] | undefined, loading: boolean): Option | undefined => {
  const api = useApiClient();
  const [named, setNamed] = React.useState<Option | undefined>();
  const listed = value ? options?.find((o) => o.id === value) : undefined;
  React.useEffect(() => {
    const one = SOURCES[kind].one;
    if (!value || loading || listed || named?.id === value || !one) return;
    const controller = new AbortController();
    one(api, controller.signal, value).then(setNamed, () => undefined);
    return () => controller.abort();
  }, [api, kind, value, loading, listed, named]);
  if (!value) return undefined;
  return listed ?? (named?.id === value ? named : { id: value, label: `#${value}`, known: false });
};

/**
 * A segment, tag, campaign or webhook endpoint chosen by name and stored by id. What the user types
 * is searched on the server (any part of the name), so every one can be found however many there
 * are; a chosen id is named even when it is not among the matches, and one that cannot be read
 * (deleted, not visible) stays shown as "#id" rather than vanishing. `required` fields cannot be
 * cleared; the others answer `undefined` when cleared. The field's `error` (a server refusal at its
 * JSON pointer) wins over a failed load.
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
  // What the input shows: the text being typed, else the chosen option's name.
  const [typed, setTyped] = React.useState<string | null>(null);
  const { options, error: loadError, searched } = useOptions(kind, typed?.trim() ?? '');
  const chosen = useChosen(kind, value, options, options === undefined && loadError === undefined);
  const listed = chosen && !options?.some((o) => o.id === chosen.id) ? [chosen, ...(options ?? [])] : (options ?? []);
  // Nothing to choose from at all (not merely no match for the typed text).
  const empty = options && options.length === 0 && !searched ? t(`picker.none.${kind}`) : undefined;
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
