import { joinSql, sql, type Sql } from '../sql-fragment';
import type { Dialect } from './client';

/** Exact text equality, as JS `===`: MySQL's default collations ignore case and trailing spaces,
 * so it also compares the bytes (the plain `=` stays, to keep the index usable). */
export const textEquals = (dialect: Dialect, expr: Sql, value: string): Sql =>
  dialect === 'mysql' ? sql`(${expr} = ${value} and cast(${expr} as binary) = cast(${value} as binary))` : sql`${expr} = ${value}`;

/** Exact membership in a list of texts (see textEquals). */
export const textIn = (dialect: Dialect, expr: Sql, values: string[]): Sql => {
  const list = joinSql(
    values.map((v) => sql`${v}`),
    ', '
  );
  if (dialect !== 'mysql') return sql`${expr} in (${list})`;
  const binaryList = joinSql(
    values.map((v) => sql`cast(${v} as binary)`),
    ', '
  );
  return sql`(${expr} in (${list}) and cast(${expr} as binary) in (${binaryList}))`;
};

/** Case-sensitive "contains" of a non-empty text (JS `String.prototype.includes`). */
export const textContains = (dialect: Dialect, expr: Sql, text: string): Sql => {
  if (dialect === 'postgres') return sql`strpos(${expr}, ${text}) > 0`;
  if (dialect === 'mysql') return sql`instr(cast(${expr} as binary), cast(${text} as binary)) > 0`;
  return sql`instr(${expr}, ${text}) > 0`;
};
