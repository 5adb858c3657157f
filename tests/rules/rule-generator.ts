/**
 * Random valid rules for the differential test: every operator and field type, null literals,
 * and literals taken from the dataset's own values and boundaries so comparisons are decided on
 * their edges, not only far from them.
 */
import { FIELDS, INTERACTION_TYPES } from '../../plugins/client-insights/server/src/modules/rules/catalogue';
import type { FieldDef } from '../../plugins/client-insights/server/src/modules/rules/types';
import { DAY, DAY_OFFSETS, VALUES, WINDOWS, type Dataset, type Random } from './dataset';

export type Generated = { rule: unknown; operators: Set<string>; fields: Set<string> };

const ORDER_NUMBERS = [0, 1, 2, 3, 5];
const DAY_NUMBERS = [...DAY_OFFSETS, -1, 0.5, 6.5, 29.99, 30.01, -400];

export const ruleGenerator = (r: Random, data: Dataset, now: Date) => {
  const iso = (date: Date) => date.toISOString();
  const shifted = (date: Date) => new Date(date.getTime() + r.pick([0, 0, 0, -1, 1]));
  const numberPool: Record<string, number[]> = {
    'customer.owner': [...data.adminIds, 0],
    'metrics.order_count': [0, 1, 2, 3, 5],
    'metrics.renewal_count': [0, 1, 2],
    'metrics.referral_count': [0, 1, 2, 3],
    'metrics.complaint_count': [0, 1, 2],
    'score.r': [0, 1, 3, 5, 6],
    'score.f': [1, 2, 4, 5],
    'score.m': [1, 3, 5],
    'score.rfm': [...VALUES.scores.rfm, 0, 2.25001],
    'score.clv': [...VALUES.scores.clv, 1000.49],
    'score.churn_risk': [...VALUES.scores.probability, 0.12344],
    'score.renewal_probability': VALUES.scores.probability,
    'score.upsell_probability': VALUES.scores.probability,
  };
  const money = [...VALUES.amounts, 0.3, 0.7, 100000.5, 5100.5, 200000];
  numberPool['metrics.avg_order_value'] = [...money, ...VALUES.averageLiterals];
  const stringPool: Record<string, string[]> = {
    'customer.name': VALUES.names,
    'customer.email': VALUES.emails,
    'customer.phone': VALUES.phones,
    'customer.region': [...VALUES.regions, 'Nowhere'],
    'customer.language': VALUES.languages,
    'customer.target_major': VALUES.majors,
    'customer.program': VALUES.programs,
  };
  const substrings = ['Li', 'li', 'Wei ', 'ing', 'Bei', ' ', 'Science', 'science', '@example', 'MB', '%', "'", '_'];

  const literalFor = (field: FieldDef): string | number => {
    switch (field.type) {
      case 'number':
        return r.pick(numberPool[field.path] ?? money);
      case 'datetime':
        return iso(r.chance(0.7) ? shifted(r.pick(data.dates)) : new Date(now.getTime() - r.pick(DAY_OFFSETS) * DAY));
      case 'enum':
        return r.pick(field.enumValues!);
      default:
        return r.pick(stringPool[field.path]);
    }
  };

  const generate = (maxDepth = 4): Generated => {
    const operators = new Set<string>();
    const fields = new Set<string>();

    /** A comparison of `operand` (JSON-Logic) whose literals come from `lit`. */
    const compare = (operand: unknown, ops: string[], lit: () => unknown, nullable: boolean): unknown => {
      const op = r.pick(ops);
      operators.add(op);
      if (op === 'between' || op === 'between_exclusive') {
        let [a, b] = [lit(), lit()] as any[];
        if (r.chance(0.8) && a > b) [a, b] = [b, a];
        return { [op === 'between' ? '<=' : '<']: [a, operand, b] };
      }
      const value = nullable && ['==', '!=', '===', '!=='].includes(op) && r.chance(0.25) ? null : lit();
      return { [op]: [operand, value] };
    };

    const leaf = (): unknown => {
      const kind = r.pick(['field', 'field', 'field', 'field', 'tag', 'segment', 'events', 'orders', 'total', 'days']);
      switch (kind) {
        case 'tag':
          operators.add('has_tag');
          return { has_tag: [r.chance(0.9) ? r.pick(data.tagSlugs) : 'no-such-tag'] };
        case 'segment':
          operators.add('in_segment');
          return { in_segment: [r.chance(0.9) ? r.pick(data.segmentKeys) : 'no-such-segment'] };
        case 'events':
          operators.add('event_count');
          return compare(
            { event_count: [r.pick(INTERACTION_TYPES.slice(0, 12)), r.chance(0.2) ? null : r.pick(WINDOWS)] },
            ['==', '!=', '>', '>=', '<', '<=', 'between', 'between_exclusive'],
            () => r.pick(ORDER_NUMBERS),
            true
          );
        case 'orders':
          operators.add('order_count');
          return compare(
            { order_count: [r.chance(0.2) ? null : r.pick(WINDOWS)] },
            ['==', '!=', '>', '>=', '<', '<=', 'between'],
            () => r.pick(ORDER_NUMBERS),
            true
          );
        case 'total':
          operators.add('order_total');
          return compare(
            { order_total: [r.chance(0.2) ? null : r.pick(WINDOWS)] },
            ['==', '!=', '>', '>=', '<', '<=', 'between_exclusive'],
            () => r.pick(money),
            true
          );
        case 'days': {
          operators.add('days_since');
          const field = r.pick(FIELDS.filter((f) => f.type === 'datetime'));
          fields.add(field.path);
          return compare(
            { days_since: [{ var: field.path }] },
            ['==', '!=', '>', '>=', '<', '<=', 'between', 'between_exclusive'],
            () => r.pick(DAY_NUMBERS),
            true
          );
        }
        default: {
          const field = r.pick(FIELDS);
          fields.add(field.path);
          const op = r.pick(field.operators.filter((o) => o !== 'days_since'));
          const operand = { var: field.path };
          if (op === 'in') {
            operators.add('in');
            const size = r.int(1, 4);
            return { in: [operand, Array.from({ length: size }, () => literalFor(field))] };
          }
          if (op === 'contains') {
            operators.add('contains');
            return { in: [r.pick(substrings), operand] };
          }
          return compare(operand, [op], () => literalFor(field), true);
        }
      }
    };

    const node = (depth: number): unknown => {
      if (depth < maxDepth && r.chance(depth === 0 ? 0.8 : 0.35)) {
        const op = r.pick(['and', 'or', '!']);
        operators.add(op);
        if (op === '!') return r.chance(0.5) ? { '!': [node(depth + 1)] } : { '!': node(depth + 1) };
        return { [op]: Array.from({ length: r.int(1, 4) }, () => node(depth + 1)) };
      }
      return leaf();
    };

    return { rule: node(0), operators, fields };
  };

  /**
   * Rules of the shapes the compiler plans apart (compile.ts): an `or` of "has a row" conditions
   * (tags, segments, counts at least 1, nested ors of them; or tags only) alone, negated or among other
   * conjuncts; an `or` of `and`s whose plain conditions are pushed down before it; cheap and
   * costly parts in any order.
   */
  const shuffle = <T>(items: T[]): T[] =>
    items
      .map((item) => ({ item, key: r.next() }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.item);

  const NESTED_OR = 6;
  const shaped = (): Generated => {
    const g = generate(1);
    const operators = new Set<string>(['or']);
    const fields = new Set<string>();
    const fresh = () => {
      const leaf = generate(0);
      leaf.operators.forEach((o) => operators.add(o));
      leaf.fields.forEach((f) => fields.add(f));
      return leaf.rule;
    };
    const hasRow = (): unknown => {
      const kind = r.pick(['tag', 'segment', 'events', 'events', 'orders']);
      const op = kind === 'tag' ? 'has_tag' : kind === 'segment' ? 'in_segment' : r.pick(['>=', '>', '!=', '>']);
      operators.add(op);
      if (kind === 'tag') return { has_tag: [r.chance(0.9) ? r.pick(data.tagSlugs) : 'no-such-tag'] };
      if (kind === 'segment') return { in_segment: [r.chance(0.9) ? r.pick(data.segmentKeys) : 'no-such-segment'] };
      // Each holds exactly when the count is at least 1.
      const literal = op === '>=' ? 1 : 0;
      const days = r.chance(0.2) ? null : r.pick(WINDOWS);
      operators.add(kind === 'orders' ? 'order_count' : 'event_count');
      const operand = kind === 'orders' ? { order_count: [days] } : { event_count: [r.pick(INTERACTION_TYPES.slice(0, 12)), days] };
      return { [op]: [operand, literal] };
    };
    // Nested `or`s stop at NESTED_OR levels: the shapes around them add at most three, well under
    // the validator's depth limit (a chain of 14 once made an invalid rule).
    const rowsOr = (level = 1): unknown => ({
      or: Array.from({ length: r.int(2, 5) }, () => (level < NESTED_OR && r.chance(0.15) ? rowsOr(level + 1) : hasRow())),
    });
    // Tags only (nested too): read as one has_tag of several tags (compile.ts anyTagSlugs).
    const tagsOr = (level = 1): unknown => {
      operators.add('has_tag');
      return {
        or: Array.from({ length: r.int(2, 4) }, () =>
          level < NESTED_OR && r.chance(0.2) ? tagsOr(level + 1) : { has_tag: [r.chance(0.9) ? r.pick(data.tagSlugs) : 'no-such-tag'] }
        ),
      };
    };
    // A metrics condition beside windows of interactions or paid orders ("any" / "none"), plain,
    // negated or in a mixed `or`: the compiler then reads the windows from the rollup's latest
    // dates (window-columns.ts).
    const metricsLeaf = (): unknown => {
      ['<=', 'days_since', 'and'].forEach((o) => operators.add(o));
      fields.add('metrics.last_interaction_at');
      const recent = { '<=': [{ days_since: [{ var: 'metrics.last_interaction_at' }] }, r.pick(WINDOWS)] };
      if (r.chance(0.5)) return recent;
      operators.add('!');
      return { '!': [recent] };
    };
    const anyOrNone = (): unknown => {
      const [op, literal] = r.pick([
        ['>=', 1],
        ['>', 0],
        ['!=', 0],
        ['==', 0],
        ['<', 1],
        ['<=', 0],
      ] as const);
      operators.add(op);
      if (r.chance(0.25)) {
        operators.add('order_count');
        return { [op]: [{ order_count: [r.pick(WINDOWS)] }, literal] };
      }
      operators.add('event_count');
      const types = ['meeting_attended', 'complaint', 'email_open', 'website_visit', 'referral', 'event_checkin'];
      return { [op]: [{ event_count: [r.chance(0.8) ? r.pick(types) : r.pick(INTERACTION_TYPES.slice(0, 12)), r.pick(WINDOWS)] }, literal] };
    };
    const latestDates = (): unknown => {
      const negated = r.chance(0.5);
      if (negated) operators.add('!');
      const third = negated ? { '!': [anyOrNone()] } : { or: [anyOrNone(), fresh()] };
      return { and: shuffle([metricsLeaf(), anyOrNone(), third, ...Array.from({ length: r.int(0, 2) }, fresh)]) };
    };
    const mixed = (): unknown => (r.chance(0.5) ? rowsOr() : r.chance(0.5) ? { '!': [rowsOr()] } : fresh());
    const branch = (): unknown => ({ and: shuffle([fresh(), ...Array.from({ length: r.int(0, 2) }, fresh), r.chance(0.5) ? hasRow() : fresh()]) });
    const shapes = [
      () => rowsOr(),
      () => ({ '!': [rowsOr()] }),
      () => ({ and: shuffle([rowsOr(), ...Array.from({ length: r.int(1, 4) }, mixed)]) }),
      () => ({ and: shuffle([...Array.from({ length: r.int(0, 2) }, mixed), { or: Array.from({ length: r.int(2, 3) }, branch) }]) }),
      () => ({ or: [rowsOr(), { and: [fresh(), rowsOr()] }, fresh()] }),
      () => ({ and: shuffle([r.chance(0.5) ? tagsOr() : { '!': [tagsOr()] }, ...Array.from({ length: r.int(1, 3) }, mixed)]) }),
      () => ({ or: [tagsOr(), fresh()] }),
      latestDates,
      latestDates,
      () => g.rule,
    ];
    return { rule: r.pick(shapes)(), operators, fields };
  };

  return { generate, shaped };
};
