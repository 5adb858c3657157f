import * as React from 'react';
import { useApiClient } from '../../api/useApi';
import type { RuleError, RuleWarning } from '../../api/types';

export type PreviewResult = {
  count: number;
  total: number;
  share: number;
  /** Buckets of churn risk (label → customers), when the preview reports them. */
  risk: { label: string; count: number }[];
  sample: Record<string, unknown>[];
};

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; previous?: PreviewResult }
  | { status: 'ok'; result: PreviewResult; warnings: RuleWarning[]; roundTripMs: number; ruleKey: string }
  | { status: 'invalid'; errors: RuleError[] }
  | { status: 'error'; message: string };

const toRisk = (raw: unknown): PreviewResult['risk'] => {
  if (Array.isArray(raw)) return raw.map((b: any) => ({ label: String(b.label ?? b.bucket ?? b.key ?? ''), count: Number(b.count ?? b.n ?? 0) }));
  if (raw && typeof raw === 'object') return Object.entries(raw).map(([k, v]) => ({ label: k, count: Number(v) }));
  return [];
};

/** The server's preview answer, read the same way whatever optional parts it includes. */
export const readPreview = (data: any): PreviewResult => {
  const count = Number(data.count ?? data.matched ?? 0);
  const total = Number(data.total ?? data.population ?? 0);
  return {
    count,
    total,
    share: Number(data.share ?? (total ? count / total : 0)),
    risk: toRisk(data.riskDistribution ?? data.risk ?? data.churnRisk),
    sample: Array.isArray(data.sample) ? data.sample : [],
  };
};

/**
 * Debounced live preview: `rule` is sent `delay` ms after the last change (only when `ready`),
 * a newer request supersedes an older one, and the round trip (request → parsed answer) is timed.
 */
export const usePreview = (rule: unknown, ready: boolean, segmentId?: number, delay = 300) => {
  const api = useApiClient();
  const [state, setState] = React.useState<PreviewState>({ status: 'idle' });
  const key = JSON.stringify(rule);
  const seq = React.useRef(0);
  React.useEffect(() => {
    if (!ready) {
      // An unfinished rule has no preview; drop the previous one rather than show a stale count.
      seq.current += 1;
      setState({ status: 'idle' });
      return;
    }
    const mine = (seq.current += 1);
    const timer = setTimeout(async () => {
      setState((s) => ({ status: 'loading', previous: s.status === 'ok' ? s.result : undefined }));
      const started = performance.now();
      try {
        // The segment being edited is left out of the duplicate-rule warnings.
        const res = await api.post<any>('/rules/preview', { rule: JSON.parse(key), ...(segmentId ? { segmentId } : {}) });
        if (mine !== seq.current) return;
        const body = res.data ?? {};
        if (res.status === 400) {
          setState({ status: 'invalid', errors: body.errors ?? [{ path: '', message: body.error?.message ?? 'Invalid rule' }] });
          return;
        }
        if (res.status && res.status >= 300) {
          setState({ status: 'error', message: body.error?.message ?? `HTTP ${res.status}` });
          return;
        }
        const data = body.data ?? body;
        setState({ status: 'ok', result: readPreview(data), warnings: data.warnings ?? body.warnings ?? [], roundTripMs: performance.now() - started, ruleKey: key });
      } catch (e: any) {
        if (mine === seq.current) setState({ status: 'error', message: e?.message ?? String(e) });
      }
    }, delay);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ready, segmentId, delay]);
  return state;
};
