import * as React from 'react';
import { useApiClient } from '../api/useApi';

/**
 * The one job model of the server (core/jobs/status.ts), as every long task reports it: segment
 * runs, value refreshes. `progress` is a fraction 0..1; `phase` a word of the job's kind.
 */
export type JobStatus = 'queued' | 'running' | 'success' | 'partial' | 'failed' | 'cancelled';
export type JobState = { status: JobStatus; phase: string | null; progress: number; error: string | null; cancelRequested: boolean };

export const isActiveJob = (job: Pick<JobState, 'status'>) => job.status === 'queued' || job.status === 'running';

/** Where a job is read and cancelled, as plugin paths (`/segments/results/…`). */
export type JobPaths = { status: string; cancel: string };

/**
 * Follows one job: `follow(job, paths)` polls `paths.status` every `intervalMs` until the job has
 * finished, then calls `onFinished` once; `cancel()` asks the server to cancel it (the polling then
 * sees it end `cancelled`, or finish first). Following another job drops the previous one.
 */
export const useJob = <J extends JobState>({ intervalMs = 1000, onFinished }: { intervalMs?: number; onFinished?: (job: J) => void } = {}) => {
  const api = useApiClient();
  const [job, setJob] = React.useState<J | null>(null);
  const followed = React.useRef<JobPaths | null>(null);
  const timer = React.useRef<ReturnType<typeof setTimeout>>();
  const finished = React.useRef(onFinished);
  finished.current = onFinished;
  React.useEffect(
    () => () => {
      followed.current = null;
      clearTimeout(timer.current);
    },
    []
  );

  const settle = React.useCallback((next: J, paths: JobPaths) => {
    if (followed.current !== paths) return false;
    setJob(next);
    if (isActiveJob(next)) return false;
    followed.current = null;
    finished.current?.(next);
    return true;
  }, []);

  const poll = React.useCallback(
    async (paths: JobPaths) => {
      try {
        const res = await api.get<{ data?: J }>(paths.status);
        if (res.data?.data && settle(res.data.data, paths)) return;
      } catch {
        // A failed poll (server restarting, network): the job goes on, so does the polling.
      }
      if (followed.current === paths) timer.current = setTimeout(() => void poll(paths), intervalMs);
    },
    [api, intervalMs, settle]
  );

  const follow = React.useCallback(
    (initial: J, paths: JobPaths) => {
      clearTimeout(timer.current);
      followed.current = paths;
      if (!settle(initial, paths)) timer.current = setTimeout(() => void poll(paths), intervalMs);
    },
    [intervalMs, poll, settle]
  );

  /** Resolves with the server's message when the cancel was refused (e.g. the job had just finished), else null. */
  const cancel = React.useCallback(async (): Promise<string | null> => {
    const paths = followed.current;
    if (!paths) return null;
    const res = await api.post<{ data?: J; error?: { message?: string } }>(paths.cancel);
    if (res.status && res.status >= 400) return res.data?.error?.message ?? `HTTP ${res.status}`;
    if (res.data?.data) settle(res.data.data, paths);
    return null;
  }, [api, settle]);

  return { job, active: !!job && isActiveJob(job), follow, cancel };
};
