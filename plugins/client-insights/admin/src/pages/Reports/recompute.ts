import * as React from 'react';

/**
 * "Recompute now", clicked `recomputed` times for the question on screen: the first click changes
 * the query (it asks with fresh=true); each later one asks the same fresh query again (`reload`).
 */
export const useRecomputeAgain = (recomputed: number, reload: () => void) =>
  React.useEffect(() => {
    if (recomputed > 1) reload();
  }, [recomputed, reload]);
