import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { apiPath } from '../api/useApi';
import type { Paged } from '../api/segments';

/** A paginated list endpoint (`{ data, meta: { pagination } }`) with page state. */
export const usePaged = <T,>(path: string | null, params: Record<string, unknown> = {}, pageSize = 20) => {
  const { get } = useFetchClient();
  const [page, setPage] = React.useState(1);
  const [tick, setTick] = React.useState(0);
  const [state, setState] = React.useState<{ data?: Paged<T>; error?: unknown; isLoading: boolean }>({ isLoading: !!path });
  const key = JSON.stringify(params);
  React.useEffect(() => setPage(1), [key, path]);
  React.useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    get(apiPath(path), { params: { ...JSON.parse(key), page, pageSize }, signal: controller.signal })
      .then((res: any) => setState({ data: res.data as Paged<T>, isLoading: false }))
      .catch((error: unknown) => !controller.signal.aborted && setState({ error, isLoading: false }));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, page, pageSize, tick]);
  return { ...state, page, setPage, reload: () => setTick((n) => n + 1) };
};
