import fc from 'fast-check';
import knexFactory from 'knex';
import { FIELDS, OPERATORS } from './catalogue';
import { COMPARE, integerIntervals, OPERATOR_IDS } from './operators';
import { matchQuery, referencedSegmentKeys } from './compile';
import type { CompareOp } from './ast';

describe('operator table', () => {
  it('has a row for every catalogue operator and nothing the catalogue does not list', () => {
    expect(new Set(OPERATOR_IDS)).toEqual(new Set(OPERATORS.map((o) => o.name)));
  });
  it('covers every operator a field allows', () => {
    for (const field of FIELDS) for (const op of field.operators) expect(OPERATOR_IDS).toContain(op);
  });
  it('every catalogue field has labels in en, zh-Hans and zh', () => {
    for (const f of [...FIELDS, ...OPERATORS]) {
      expect(Object.keys(f.labels).sort()).toEqual(['en', 'zh', 'zh-Hans']);
      expect(Object.values(f.labels).every((l) => l.length > 0)).toBe(true);
    }
  });
});

describe('integerIntervals (days_since in SQL) agrees with the JS comparison', () => {
  const ops: CompareOp[] = ['==', '!=', '>', '>=', '<', '<=', 'between', 'between_exclusive'];
  const literal = fc.oneof(
    fc.integer({ min: -20, max: 20 }),
    fc.double({ min: -20, max: 20, noNaN: true }).map((x) => Math.round(x * 4) / 4)
  );
  it('for every op, literal and whole-number k', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ops), literal, literal, fc.integer({ min: -25, max: 25 }), (op, a, b, k) => {
        const lits = op.startsWith('between') ? [Math.min(a, b), Math.max(a, b)] : [a];
        const inside = integerIntervals(op, lits).some(([lo, hi]) => lo <= k && k <= hi);
        expect(inside).toBe(COMPARE[op].js(k, ...lits));
      })
    );
  });
});

describe('compiler output', () => {
  const knex = knexFactory({ client: 'pg' });
  const now = new Date('2026-01-15T12:00:00Z');
  it('binds every value and names only catalogue columns', () => {
    const rule = {
      and: [
        { '==': [{ var: 'customer.name' }, "x' or '1'='1"] },
        { has_tag: ['vip"; drop table tags; --'] },
        { '>': [{ order_total: [30] }, 100000] },
        { in: [{ var: 'customer.region' }, ['Beijing', 'Shanghai']] },
      ],
    };
    const { sql, bindings } = matchQuery(knex, rule, { now }).toSQL();
    expect(sql).not.toMatch(/drop|Beijing|100000|or '1'/);
    expect(bindings).toEqual(expect.arrayContaining(["x' or '1'='1", 'vip"; drop table tags; --', 100000, 'Beijing', 'Shanghai']));
    expect(sql).toMatch(/^select "c"\."id" as "customer_id" from "customers" as "c" left join .* where \(/);
  });
  it('joins the rollup tables only when read', () => {
    expect(matchQuery(knex, { has_tag: ['a'] }, { now }).toSQL().sql).not.toMatch(/ci_customer_metrics|ci_customer_scores/);
    const both = matchQuery(knex, { and: [{ '>': [{ var: 'metrics.order_count' }, 1] }, { '>': [{ var: 'score.clv' }, 1] }] }, { now }).toSQL().sql;
    expect(both).toMatch(/left join "ci_customer_metrics" as "m"/);
    expect(both).toMatch(/left join "ci_customer_scores" as "s"/);
  });
  it('reads custom operators through grouped left joins, shared when identical', () => {
    const rule = { or: [{ '>=': [{ event_count: ['complaint', 30] }, 2] }, { '!': { '<': [{ event_count: ['complaint', 30] }, 5] } }, { has_tag: ['vip'] }] };
    const { sql } = matchQuery(knex, rule, { now }).toSQL();
    expect(sql.match(/left join \(select/g)).toHaveLength(2);
    expect(sql).toMatch(
      /left join \(select e\.customer_id as customer_id, count\(\*\) as agg_value from ci_customer_events e .* group by e\.customer_id\) (j\d) on \1\.customer_id = c\.id/
    );
    // A tag is read through its id range, so only that tag's slice of the index is scanned.
    expect(sql).toMatch(/ct\.tag_id between \(select min\(t\.id\) from tags t where t\.slug = \?\) and \(select max\(t\.id\)/);
    // count < 2 holds for customers without rows: missing (NULL) is let through explicitly.
    const fewer = matchQuery(knex, { '<': [{ order_count: [30] }, 2] }, { now }).toSQL().sql;
    expect(fewer).toMatch(/\(j1\.agg_value is null or j1\.agg_value < cast\(\? as bigint\)\)/);
  });
  it('reads an or of "has a row" conditions as one union of their customers', () => {
    const rows = { or: [{ has_tag: ['vip'] }, { '>=': [{ event_count: ['email_click', 90] }, 1] }, { or: [{ '>': [{ order_count: [30] }, 0] }] }] };
    const signed = { '==': [{ var: 'customer.stage' }, 'signed'] };
    const exists = 'where exists \\(select 1 from customers x where x\\.id = u\\.customer_id\\)';
    for (const strategy of ['join', 'probe'] as const) {
      // The whole rule: the statement starts from the union's customers, each checked to exist.
      const only = matchQuery(knex, rows, { now, strategy }).toSQL().sql;
      expect(only.match(/ union /g)).toHaveLength(2);
      expect(only).toMatch(new RegExp(`^select "c"\\."id" as "customer_id" from \\(select u\\.customer_id as id from \\(.*\\) u ${exists}\\) as c$`));
      expect(only).not.toMatch(/"customers"|left join/);
      // Beside another condition: one left join of the union to the customers.
      const { sql } = matchQuery(knex, { and: [signed, rows] }, { now, strategy }).toSQL();
      expect(sql.match(/left join \(/g)).toHaveLength(1);
      expect(sql.match(/ union /g)).toHaveLength(2);
      expect(sql).not.toMatch(/group by|exists/);
      expect(sql).toMatch(/and j1\.customer_id is not null\)$/);
    }
    // Grouped (a broad preview): the existence check comes before the grouping.
    const grouped = matchQuery(knex, rows, { now, strategy: 'probe', groupedUnion: true }).toSQL().sql;
    expect(grouped.match(/ union all /g)).toHaveLength(2);
    expect(grouped).toMatch(new RegExp(`\\) u ${exists} group by u\\.customer_id\\) as c$`));
    // A walk probes each customer in id order: no union.
    expect(matchQuery(knex, rows, { now, walk: true }).toSQL().sql).not.toMatch(/ union /);
    // A count of 2 or more is not "has a row": the branches stay apart.
    const two = matchQuery(knex, { or: [{ has_tag: ['vip'] }, { '>=': [{ event_count: ['email_click', 90] }, 2] }] }, { now }).toSQL().sql;
    expect(two).not.toMatch(/ union /);
    // Under the probe strategy, below the top the few candidates are probed instead.
    const deep = { and: [{ '==': [{ var: 'customer.stage' }, 'signed'] }, { or: [{ '==': [{ var: 'customer.region' }, 'x'] }, rows] }] };
    expect(matchQuery(knex, deep, { now, strategy: 'probe' }).toSQL().sql).not.toMatch(/ union /);
    expect(matchQuery(knex, deep, { now, strategy: 'join' }).toSQL().sql).toMatch(/ union /);
  });
  it('applies the plain conditions an or implies before it, and cheap parts first', () => {
    const stage = (s: string) => ({ '==': [{ var: 'customer.stage' }, s] });
    const rule = {
      or: [{ and: [{ '>=': [{ order_total: [365] }, 10] }, stage('signed')] }, { and: [{ has_tag: ['vip'] }, stage('application')] }],
    };
    const { sql } = matchQuery(knex, rule, { now, strategy: 'probe' }).toSQL();
    // The implied (c.stage = signed or c.stage = application) comes first, then the or itself,
    // each and with its plain part before its probe.
    expect(sql).toMatch(/where \(\(\("c"\.stage"|where \(\(\(c\.stage/);
    const where = sql.slice(sql.indexOf(' where '));
    expect(where.indexOf('c.stage')).toBeLessThan(where.indexOf('ci_customer_orders'));
    expect(where.match(/c\.stage = \?/g)).toHaveLength(4);
    const second = where.slice(where.indexOf(') and ('));
    expect(second.indexOf('c.stage')).toBeLessThan(second.indexOf('select'));
  });
  it('probes per requested customer, after the plain conditions', () => {
    const { sql, bindings } = matchQuery(knex, { has_tag: ['vip'] }, { now, customerIds: [7, 8] }).toSQL();
    expect(sql).not.toMatch(/group by/);
    expect(sql).toMatch(/where exists \(select 1 from ci_customer_tags ct where .* and ct\.customer_id = c\.id\)/);
    expect(sql).toMatch(/"c"\."id" in \(\?, \?\)/);
    expect(bindings.filter((b) => b === 7)).toHaveLength(1);
    // With the metrics joined, the probe names them too, so it runs after their filters; a count
    // is compared as it is (0 without rows), with no NULL case.
    const rule = { and: [{ '>': [{ var: 'metrics.total_spent' }, 1] }, { '<': [{ order_count: [30] }, 2] }] };
    const probed = matchQuery(knex, rule, { now, strategy: 'probe' }).toSQL().sql;
    expect(probed).toMatch(
      /\(select count\(\*\) from ci_customer_orders o where .* and o\.customer_id = coalesce\(m\.customer_id, c\.id\)\) < cast\(\? as bigint\)/
    );
    // "At least one" and "none" are EXISTS and NOT EXISTS (semi- and anti-joins).
    const some = matchQuery(knex, { '>=': [{ event_count: ['email_open', null] }, 1] }, { now, strategy: 'probe' }).toSQL().sql;
    expect(some).toMatch(/where exists \(select 1 from ci_customer_events e where .* and e\.customer_id = c\.id\)$/);
    // A window of interactions reads the type's last-event column of the metrics row (window-columns.ts).
    const windowed = matchQuery(
      knex,
      { and: [{ '>': [{ var: 'metrics.order_count' }, 0] }, { '==': [{ event_count: ['email_open', 30] }, 0] }] },
      { now, strategy: 'probe' }
    ).toSQL().sql;
    expect(windowed).toMatch(/ and \(not \(\(m\.last_email_open_at is not null and m\.last_email_open_at > \?\)\)\)\)$/);
    expect(windowed).not.toMatch(/ci_customer_events/);
    const none = matchQuery(knex, { '==': [{ order_count: [30] }, 0] }, { now, strategy: 'probe' }).toSQL().sql;
    expect(none).toMatch(/where \(not exists \(select 1 from ci_customer_orders o where .* and o\.customer_id = c\.id\)\)$/);
  });
  it('adds the implied set of a driving conjunct, and reads known tag ids directly', () => {
    const rule = { and: [{ has_tag: ['vip'] }, { '==': [{ event_count: ['complaint', 30] }, 0] }, { '>=': [{ order_total: [90] }, 10] }] };
    const { sql, bindings } = matchQuery(knex, rule, { now, strategy: 'probe', drivers: ['/and/0', '/and/1', '/and/2'], tagIds: { vip: [5, 6] } }).toSQL();
    expect(sql).toMatch(/c\.id in \(select ct\.customer_id from ci_customer_tags ct where ct\.tag_id in \(\?, \?\)/);
    // No rows satisfy "== 0": that conjunct implies no set and adds nothing.
    expect(sql).not.toMatch(/c\.id in \(select e\.customer_id/);
    expect(sql).toMatch(/c\.id in \(select o\.customer_id from ci_customer_orders o where/);
    expect(sql).not.toMatch(/t\.slug/);
    expect(bindings).toEqual(expect.arrayContaining([5, 6]));
    const unknown = matchQuery(knex, { has_tag: ['nope'] }, { now, strategy: 'probe', tagIds: { nope: [] } }).toSQL().sql;
    expect(unknown).toMatch(/where \(1=0\)/);
  });
  it('finds referenced segments', () => {
    expect(referencedSegmentKeys({ or: [{ in_segment: ['a'] }, { '!': { in_segment: 'b' } }, { has_tag: ['a'] }] }).sort()).toEqual(['a', 'b']);
  });
  it('refuses an invalid rule', () => {
    expect(() => matchQuery(knex, { '==': [{ var: 'customer.nope' }, 1] }, { now })).toThrow(/unknown field/);
  });
});
