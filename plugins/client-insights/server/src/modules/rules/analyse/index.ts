/**
 * Static analysis of a valid rule (docs/rules.md "Validation answer"): branches that can never be
 * true (`contradiction`), `or` groups that match everyone (`always_true`), and a canonical form /
 * fingerprint so that equivalent rules written differently are recognised (`duplicate`).
 *
 * Each comparison is read as the set of values (plus null or not) it accepts for its operand;
 * two conditions of one `and` contradict when their sets do not meet, two of one `or` cover
 * everything when the complements do not meet. Everything else (has_tag, in_segment, text
 * search, nested groups) is compared by canonical form: `R` and `!R` together.
 *
 * value-sets.ts: the set algebra · canonical.ts: canonical form and fingerprint ·
 * warnings.ts: contradiction, always_true, duplicate and empty warnings.
 */
export { canonicalForm, canonicalOfNode, fingerprint, stableStringify } from './canonical';
export { analyseRule, duplicateWarnings, emptyWarning, type SegmentRef } from './warnings';
