/**
 * A tiny recorder of timings that modules report where work finishes (a preview answered, a
 * segment run settled) and the monitoring module turns into Prometheus metrics. Core knows no
 * module: reporters and the one consumer meet here. Reporting with nobody listening costs a loop
 * over an empty set; a listener's error never reaches the reporter.
 */
export type Observation = { kind: 'preview'; seconds: number } | { kind: 'segment.run'; seconds: number; status: string };

const listeners = new Set<(o: Observation) => void>();

export const observe = (observation: Observation) => {
  for (const listener of listeners) {
    try {
      listener(observation);
    } catch {
      // Metrics must never break the work they measure.
    }
  }
};

/** Subscribes; answers the unsubscribe. */
export const onObservation = (listener: (o: Observation) => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};
