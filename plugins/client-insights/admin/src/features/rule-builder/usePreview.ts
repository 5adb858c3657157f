import * as React from 'react';
import { rulesApi, type PreviewResult as PreviewAnswer, type RuleWarning } from '../../../../shared/contracts/rules';
import type { FieldError } from '../../../../shared/errors';
import { useApiClient } from '../../api/useApi';
import { isAbort, toApiError } from '../../api/client';

export type PreviewResult = {
  count: number;
  total: number;
  share: number;
  /** Customers per churn-risk level. */
  risk: { label: string; count: number }[];
  sample: Record<string, unknown>[];
  /** The parent segment a child was previewed within (its runs AND the parent's rules), null for a root. */
  scope: PreviewAnswer['scope'];
};

/** Preview as a child: of the segment being edited (within its stored parent) or under a chosen parent. */
export type PreviewScope = { segmentId?: number; parent?: number | string | null };

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; previous?: PreviewResult }
  | { status: 'ok'; result: PreviewResult; warnings: RuleWarning[]; roundTripMs: number; ruleKey: string }
  /** The server refused the rule: its message, and its errors with pointers into the rule. */
  | { status: 'invalid'; message: string; errors: FieldError[] }
  | { status: 'error'; message: string };

/** The preview answer as the panel draws it. */
export const readPreview = (data: PreviewAnswer): PreviewResult => ({
  count: data.count,
  total: data.total,
  share: data.share,
  risk: Object.entries(data.riskDistribution).map(([label, count]) => ({ label, count })),
  sample: data.sample,
  scope: data.scope,
});

/**
 * Debounced live preview: `rule` is sent `delay` ms after the last change (only when `ready`),
 * a newer request supersedes an older one, and the round trip (request → parsed answer) is timed.
 * A refused rule is `invalid` with the server's message and errors, never a count of 0.
 */
export const usePreview = (rule: unknown, ready: boolean, scope?: PreviewScope, delay = 300) => {
  const api = useApiClient();
  const [state, setState] = React.useState<PreviewState>({ status: 'idle' });
  const key = JSON.stringify(rule);
  const scopeKey = JSON.stringify(scope ?? {});
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
        const { data } = await api.request(rulesApi.preview, { body: { rule: JSON.parse(key), ...(JSON.parse(scopeKey) as PreviewScope) } });
        if (mine !== seq.current) return;
        setState({ status: 'ok', result: readPreview(data), warnings: data.warnings, roundTripMs: performance.now() - started, ruleKey: key });
      } catch (e) {
        if (mine !== seq.current || isAbort(e)) return;
        const error = toApiError(e);
        const errors = error.under('/rule');
        setState(error.status === 400 && errors.length ? { status: 'invalid', message: error.message, errors } : { status: 'error', message: error.message });
      }
    }, delay);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, scopeKey, ready, delay]);
  return state;
};
