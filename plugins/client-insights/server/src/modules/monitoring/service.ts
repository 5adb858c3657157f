import type { Core } from '@strapi/strapi';
import { onObservation } from '../../core/observe';
import { createMetrics, type Metrics } from './registry';

/** One registry per Strapi instance, fed by the core recorder (previews, runs) from bootstrap to destroy. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let metrics: Metrics | null = null;
  let unsubscribe: (() => void) | null = null;
  return {
    metrics: (): Metrics => (metrics ??= createMetrics(() => strapi.db.connection)),
    /** The registry when started (the HTTP middleware measures nothing before). */
    started: () => metrics,
    start() {
      const m = this.metrics();
      unsubscribe ??= onObservation((o) => m.record(o));
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
      metrics?.registry.clear();
      metrics = null;
    },
  };
};
