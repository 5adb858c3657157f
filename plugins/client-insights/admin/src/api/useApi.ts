import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Endpoint, RequestOf, ResponseOf } from '../../../shared/contracts/http';
import { ApiError, createClient, isAbort, toApiError, type ApiClient } from './client';

/** The API client for components: `request(endpoint, { params, query, body })`. */
export const useApiClient = (): ApiClient => {
  const fetchClient = useFetchClient();
  return React.useMemo(() => createClient(fetchClient), [fetchClient]);
};

type State<T> = { body: T | undefined; error: ApiError | undefined; isLoading: boolean };
type DataOf<T> = T extends { data: infer D } ? D : never;

/**
 * Reads an endpoint and keeps its answer: `body`, and its `data`. `input = null` waits. `reload()` refetches; a
 * newer request wins over an older one.
 */
export const useApi = <E extends Endpoint>(endpoint: E, input: RequestOf<E> | null) => {
  const client = useApiClient();
  const [state, setState] = React.useState<State<ResponseOf<E>>>({ body: undefined, error: undefined, isLoading: !!input });
  const [tick, setTick] = React.useState(0);
  const key = input === null ? null : JSON.stringify(input);
  React.useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    client
      .request(endpoint, JSON.parse(key), { signal: controller.signal })
      .then((body) => setState({ body, error: undefined, isLoading: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState({ body: undefined, error: toApiError(error), isLoading: false });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [endpoint, key, tick]);
  const reload = React.useCallback(() => setTick((n) => n + 1), []);
  const data = (state.body as { data?: unknown } | undefined)?.data as DataOf<ResponseOf<E>> | undefined;
  return { ...state, data, reload };
};

/** A message for the user from whatever was thrown. */
export const errorMessage = (error: unknown): string => toApiError(error).message;
