import { INTERACTION_TYPES } from '../../../../shared/enums';

/**
 * The rollup keeps, per interaction type, the customer's latest interaction of that type
 * (`last_<type>_at`, null without one), so that a rule's "any / no <type> in the last N days"
 * reads one column of the metrics row it already joins instead of a window of the activity copy
 * (rules/window-columns.ts). Derived from the same rows, in the same statement, as the rest of the
 * rollup (rollup.ts), so it is exactly as current as the activity copy.
 *
 * At 1M customers, a 25-condition rule with five such windows: 1.5–1.7 s by hand with the columns,
 * against 2.9–3.3 s reading the windows (same count).
 */
export const LAST_EVENT_TYPES: readonly string[] = INTERACTION_TYPES;

export const lastEventColumn = (type: string): string => `last_${type}_at`;
