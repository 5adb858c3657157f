import * as React from 'react';
import type { ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import type { Endpoint, RequestOf } from '../../../shared/contracts/http';
import { isActiveJob, type JobStatus } from '../../../shared/enums';
import { toApiError, type ApiError } from '../api/client';
import { useApiClient } from '../api/useApi';

/**
 * The one job model of the server (shared/enums.ts, core/jobs/status.ts), as every long task
 * reports it: segment runs, value refreshes. `progress` is a fraction 0..1; `phase` a word of the job's kind.
 */
export type JobState = { status: JobStatus; phase: string | null; progress: number; error: string | null; cancelRequested: boolean };

const isActive = (job: Pick<JobState, 'status'>) => isActiveJob(job.status);

/** An endpoint of the contracts answering `{ data: job }`, the job named by its path parameters. */
type JobEndpoint<J> = Endpoint & { params: ZodTypeAny; response: ZodType<{ data: J }, ZodTypeDef, unknown> };

/** Where a job is read and cancelled (e.g. segmentsApi.result and segmentsApi.cancelRun), and the path parameters naming it. */
export type JobEndpoints<J> = { status: JobEndpoint<J>; cancel: JobEndpoint<J>; params: Record<string, string | number> };

/**
 * Follows one job: `follow(job, endpoints)` polls the status endpoint every `intervalMs` until the
 * job has finished, then calls `onFinished` once; `cancel()` asks the server to cancel it (the
 * polling then sees it end `cancelled`, or finish first). Following another job drops the previous
 * one. A poll the server refuses (4xx: the job is gone, or hidden) stops following and is given
 * to `onRefused`; a poll that fails otherwise (server restarting, network) is retried.
 */
export const useJob = <J extends JobState>({
  intervalMs = 1000,
  onFinished,
  onRefused,
}: { intervalMs?: number; onFinished?: (job: J) => void; onRefused?: (error: ApiError) => void } = {}) => {
  const api = useApiClient();
  const [job, setJob] = React.useState<J | null>(null);
  const followed = React.useRef<JobEndpoints<J> | null>(null);
  const timer = React.useRef<ReturnType<typeof setTimeout>>();
  const handlers = React.useRef({ onFinished, onRefused });
  handlers.current = { onFinished, onRefused };
  React.useEffect(
    () => () => {
      followed.current = null;
      clearTimeout(timer.current);
    },
    []
  );

  /** The job's answer from one of its endpoints. */
  const ask = React.useCallback(
    async (endpoint: JobEndpoint<J>, params: JobEndpoints<J>['params']): Promise<J> =>
      (await api.request(endpoint, { params } as RequestOf<JobEndpoint<J>>)).data,
    [api]
  );

  const settle = React.useCallback((next: J, source: JobEndpoints<J>) => {
    if (followed.current !== source) return false;
    setJob(next);
    if (isActive(next)) return false;
    followed.current = null;
    handlers.current.onFinished?.(next);
    return true;
  }, []);

  const poll = React.useCallback(
    async (source: JobEndpoints<J>) => {
      try {
        if (settle(await ask(source.status, source.params), source)) return;
      } catch (e) {
        const error = toApiError(e);
        if (error.status >= 400 && error.status < 500 && followed.current === source) {
          followed.current = null;
          setJob(null);
          handlers.current.onRefused?.(error);
          return;
        }
      }
      if (followed.current === source) timer.current = setTimeout(() => void poll(source), intervalMs);
    },
    [ask, intervalMs, settle]
  );

  const follow = React.useCallback(
    (initial: J, source: JobEndpoints<J>) => {
      clearTimeout(timer.current);
      followed.current = source;
      if (!settle(initial, source)) timer.current = setTimeout(() => void poll(source), intervalMs);
    },
    [intervalMs, poll, settle]
  );

  /** Resolves with the server's message when the cancel was refused (e.g. the job had just finished), else null. */
  const cancel = React.useCallback(async (): Promise<string | null> => {
    const source = followed.current;
    if (!source) return null;
    try {
      settle(await ask(source.cancel, source.params), source);
      return null;
    } catch (e) {
      return toApiError(e).message;
    }
  }, [ask, settle]);

  return { job, active: !!job && isActive(job), follow, cancel };
};
