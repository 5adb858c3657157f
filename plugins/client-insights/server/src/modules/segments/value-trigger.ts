import { dependencyOrder, effectiveRule } from './hierarchy';
import type { SegmentRow } from './repository';
import type { RuleEngine } from './rule-engine';

/**
 * After a value refresh (`values.refreshed`), the segments whose membership may have moved: the
 * active dynamic segments whose rule, or an ancestor's, reads one of the refreshed `score.*`
 * fields, and those naming one of them in in_segment. In dependency order (parents and in_segment
 * targets first), so running them one after another leaves every dependent current.
 */
export const segmentsReadingFields = (segments: SegmentRow[], engine: RuleEngine, fields: (path: string) => boolean): SegmentRow[] => {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const dynamic = segments.filter((s) => s.type === 'dynamic' && s.status === 'active');
  const affected = new Set(dynamic.filter((s) => engine.referencedFields(effectiveRule(s, byId)).some(fields)).map((s) => s.key));
  // Dependents through in_segment (an ancestor's in_segment is in the effective rule), to a fixed point.
  for (let grew = true; grew;) {
    grew = false;
    for (const s of dynamic) {
      if (affected.has(s.key)) continue;
      if (engine.referencedSegmentKeys(effectiveRule(s, byId)).some((key) => affected.has(key))) {
        affected.add(s.key);
        grew = true;
      }
    }
  }
  return dependencyOrder(
    dynamic.filter((s) => affected.has(s.key)),
    (rule) => engine.referencedSegmentKeys(rule)
  );
};
