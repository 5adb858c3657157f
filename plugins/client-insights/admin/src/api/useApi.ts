import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';

export const apiPath = (path: string) => `/${PLUGIN_ID}${path}`;

/** A message for the user from whatever the fetch client threw. */
export const errorMessage = (error: unknown): string => {
  const e = error as { response?: { data?: any }; message?: string };
  const body = e?.response?.data;
  if (body?.error?.message) return body.error.message;
  if (Array.isArray(body?.errors) && body.errors[0]?.message) return body.errors.map((x: any) => x.message).join('; ');
  return e?.message ?? String(error);
};

type State<T> = { data: T | undefined; error: unknown; isLoading: boolean };

/**
 * GET a plugin endpoint (`path` under /client-insights) and keep its `data` field.
 * `path = null` waits. `reload()` refetches; a newer request wins over an older one.
 */
export const useApi = <T,>(path: string | null, params?: Record<string, unknown>) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<State<T>>({ data: undefined, error: undefined, isLoading: !!path });
  const [tick, setTick] = React.useState(0);
  const key = JSON.stringify(params ?? {});
  React.useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    get(apiPath(path), { params: JSON.parse(key), signal: controller.signal })
      .then((res: any) => setState({ data: (res.data?.data ?? res.data) as T, error: undefined, isLoading: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: undefined, error, isLoading: false });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, tick]);
  const reload = React.useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
};

/** POST/PUT/DELETE helpers that answer `{ status, body }` instead of throwing on 4xx. */
export const useApiClient = () => {
  const client = useFetchClient();
  const accept4xx = { validateStatus: (status: number) => status < 500 };
  return React.useMemo(
    () => ({
      get: async <T,>(path: string, params?: Record<string, unknown>) =>
        (await client.get(apiPath(path), { params, ...accept4xx })) as { data: T; status?: number },
      post: async <T,>(path: string, body?: unknown) =>
        (await client.post(apiPath(path), body, accept4xx)) as { data: T; status?: number },
      put: async <T,>(path: string, body?: unknown) =>
        (await client.put(apiPath(path), body, accept4xx)) as { data: T; status?: number },
      del: async <T,>(path: string) => (await client.del(apiPath(path), accept4xx)) as { data: T; status?: number },
      raw: client,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client]
  );
};
