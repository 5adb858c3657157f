/**
 * "Any / none in the last N days" as a date column of the metrics row. The rollup keeps each
 * customer's latest paid order (`last_order_at`) and latest interaction of every type
 * (`last_<type>_at`, metrics/last-events.ts), from the same rows and in the same transaction as
 * the activity copies the windows read (metrics/rollup.ts). So "at least one paid order / one
 * <type> in N days" is `latest > now - N days`, and "none" its negation: exact, since the latest
 * falls in the window exactly when at least one does.
 */
import { L } from '../../../../shared/labels';
import { LAST_EVENT_TYPES, lastEventColumn } from '../metrics/last-events';
import type { RuleNode } from './ast';
import { getField } from './catalogue';
import { COMPARE, DAY_MS } from './operators';
import type { FieldDef } from './types';

/**
 * A comparison on an event or order count that holds exactly when the count is at least 1
 * ('some') or exactly when it is 0 ('none'), else null. Counts are whole and these operators
 * monotonic, so the answers at 0 and 1 decide.
 */
export const countExistence = (node: Extract<RuleNode, { kind: 'compare' }>): 'some' | 'none' | null => {
  if (node.operand.kind !== 'event_count' && node.operand.kind !== 'order_count') return null;
  const holds = (count: number) => COMPARE[node.op].js(count, ...node.literals);
  if (['>', '>=', '!='].includes(node.op) && !holds(0) && holds(1)) return 'some';
  if (['<', '<=', '=='].includes(node.op) && holds(0) && !holds(1)) return 'none';
  return null;
};

/** The rollup's last-event columns as fields the compiler reads (not in the catalogue: rules cannot name them). */
export const LAST_EVENT_FIELDS: Record<string, FieldDef> = Object.fromEntries(
  LAST_EVENT_TYPES.map((type) => {
    const path = `metrics.${lastEventColumn(type)}`;
    return [path, { path, group: 'metrics', type: 'datetime', operators: [], labels: L(path, path, path) }];
  })
);

const LAST_ORDER = getField('metrics.last_order_at')!;

/** The latest-date column a windowed count reads instead, and its window; null for all-time counts. */
const latestOf = ({ operand }: Extract<RuleNode, { kind: 'compare' }>): { field: FieldDef; days: number } | null => {
  if (operand.kind === 'order_count' && operand.days !== null) return { field: LAST_ORDER, days: operand.days };
  if (operand.kind !== 'event_count' || operand.days === null) return null;
  const field = LAST_EVENT_FIELDS[`metrics.${lastEventColumn(operand.eventType)}`];
  return field ? { field, days: operand.days } : null;
};

/** A windowed "any / none" as a test of its latest-date column, or null. */
const latestCompare = (node: Extract<RuleNode, { kind: 'compare' }>, now: Date): RuleNode | null => {
  const latest = latestOf(node);
  const existence = latest && countExistence(node);
  if (!latest || !existence) return null;
  const since = now.getTime() - latest.days * DAY_MS;
  const some: RuleNode = { kind: 'compare', path: node.path, op: '>', operand: { kind: 'field', field: latest.field }, literals: [since] };
  return existence === 'some' ? some : { kind: 'not', path: node.path, arg: some };
};

/**
 * `rule` with its windowed "any / none" counts of paid orders and interactions read from the
 * latest-date columns, except inside an `or` the compiler reads as one union of customers
 * (`isUnion`, compile.ts isOrOfRows; the caller also leaves rules that read no metrics alone,
 * compile.ts plannedRule). Measured at 1M customers on the bench:preview rules (docs/api.md):
 * rewritten everywhere, seven signals under an `or` went 0.72 s → 2.3 s and a rule without
 * metrics conditions 0.72 s → 1.15 s. All-time counts stay as they are: a row without a date
 * counts there, and has no latest date. A node without such a window comes back as it was (the
 * same object).
 */
export const withWindowColumns = (rule: RuleNode, now: Date, isUnion: (node: RuleNode) => boolean): RuleNode => {
  const rewriteAll = (node: Extract<RuleNode, { args: RuleNode[] }>): RuleNode => {
    const args = node.args.map(rewrite);
    return args.every((a, i) => a === node.args[i]) ? node : { ...node, args };
  };
  const rewrite = (node: RuleNode): RuleNode => {
    switch (node.kind) {
      case 'and':
        return rewriteAll(node);
      case 'or':
        return isUnion(node) ? node : rewriteAll(node);
      case 'not': {
        const arg = rewrite(node.arg);
        return arg === node.arg ? node : { ...node, arg };
      }
      case 'compare':
        return latestCompare(node, now) ?? node;
      default:
        return node;
    }
  };
  return rewrite(rule);
};
