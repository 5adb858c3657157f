import * as React from 'react';
import type { Endpoint, RequestOf } from '../../../shared/contracts/http';
import { useApi } from '../api/useApi';

/** A paginated list endpoint (`{ data, meta: { pagination } }`) with page state; `input = null` waits. */
export const usePaged = <E extends Endpoint>(endpoint: E, input: RequestOf<E> | null, pageSize = 20) => {
  const [page, setPage] = React.useState(1);
  const key = input === null ? null : JSON.stringify(input);
  React.useEffect(() => setPage(1), [key, endpoint]);
  const paged = input === null ? null : ({ ...input, query: { ...(input.query ?? {}), page, pageSize } } as RequestOf<E>);
  const { body, error, isLoading, reload } = useApi(endpoint, paged);
  return { data: body, error, isLoading, page, setPage, reload };
};
