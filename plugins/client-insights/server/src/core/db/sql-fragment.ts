/**
 * A piece of SQL with its bindings. The `sql` tag turns every interpolated value into a bound
 * parameter unless it is already a fragment, so values can never become SQL text; identifiers
 * enter only through `raw()` with constants.
 */
export type Sql = { sql: string; bindings: unknown[] };

export const raw = (text: string): Sql => ({ sql: text, bindings: [] });

const isSql = (value: unknown): value is Sql =>
  typeof value === 'object' && value !== null && typeof (value as Sql).sql === 'string' && Array.isArray((value as Sql).bindings);

export const sql = (strings: TemplateStringsArray, ...values: unknown[]): Sql => {
  let text = strings[0];
  const bindings: unknown[] = [];
  values.forEach((value, i) => {
    if (isSql(value)) {
      text += value.sql;
      bindings.push(...value.bindings);
    } else {
      text += '?';
      bindings.push(value);
    }
    text += strings[i + 1];
  });
  return { sql: text, bindings };
};

export const joinSql = (parts: Sql[], separator: string): Sql => ({
  sql: parts.map((p) => p.sql).join(separator),
  bindings: parts.flatMap((p) => p.bindings),
});

export const TRUE_SQL = raw('(1=1)');
export const FALSE_SQL = raw('(1=0)');
