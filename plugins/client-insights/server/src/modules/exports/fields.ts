import type { Knex } from 'knex';
import { EXPORT_FIELD_LABELS, type ExportField } from '../../../../shared/export-fields';
import { EXPORT_CODE_LABELS } from '../../../../shared/labels';
import { SENSITIVE_CUSTOMER_FIELDS } from '../../../../shared/sensitive';
import { bindDate, leftJoinPastId, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { decryptRow } from '../../core/security/field-crypto';
import { maskEmail, maskPhone } from '../customers/mask';
import { FIELDS } from '../rules/catalogue';
import { localDate, wallClock, type CsvFormat } from '../segments/csv-locale';

/**
 * The chosen-fields export's columns: where each field is read (c = customers, mt = the metrics
 * rollup, s = value scores; tags and segments per batch), its label in the export's language and
 * how its cells are written (codes translated, dates local, numbers as numbers, contact data
 * masked for a user without sensitive.view).
 */

/** How a datetime cell is written: local text (CSV) or a spreadsheet date of the local wall-clock time (.xlsx, xlsx.ts). */
export type DateCells = 'text' | 'excel';

type Kind = 'text' | 'number' | 'datetime' | 'list';
type Column = { field: ExportField; kind: Kind; select?: string; codes?: string };

const CATALOGUE = new Map(FIELDS.map((f) => [f.path, f]));

/** Which shared/labels.ts code list translates a field's values. */
const CODE_LISTS: Partial<Record<ExportField, string>> = { 'customer.stage': 'stage', 'customer.lead_source': 'leadSource', 'score.quadrant': 'quadrant' };

const columnOf = (field: ExportField): Column => {
  if (field === 'tags' || field === 'segments') return { field, kind: 'list' };
  const [group, name] = field.split('.');
  const alias = { customer: 'c', metrics: 'mt', score: 's' }[group]!;
  const type = CATALOGUE.get(field)?.type;
  const kind: Kind = field === 'customer.id' ? 'number' : type === 'number' ? 'number' : type === 'datetime' ? 'datetime' : 'text';
  return { field, kind, select: `${alias}.${name}`, codes: CODE_LISTS[field] };
};

/** The name a contact field has in shared/sensitive.ts (`customer.email` → `email`), or null. */
export const sensitiveName = (field: ExportField) => {
  const name = field.startsWith('customer.') ? field.slice('customer.'.length) : '';
  return (SENSITIVE_CUSTOMER_FIELDS as readonly string[]).includes(name) ? (name as (typeof SENSITIVE_CUSTOMER_FIELDS)[number]) : null;
};

const MASKS = { email: maskEmail, phone: maskPhone, notes: () => null } as const;

export const fieldLabel = (field: ExportField, locale: CsvFormat['locale']) =>
  EXPORT_FIELD_LABELS[field]?.[locale] ?? CATALOGUE.get(field)?.labels[locale] ?? field;

/** Names of the tags and segments (those the user sees) of a batch's customers, by customer id. */
export type ListsOf = (ids: number[]) => Promise<{ tags?: Map<number, string[]>; segments?: Map<number, string[]> }>;

/**
 * The export of `fields` over the customers `ids` (a subquery with `customer_id`): pages of 1000
 * by id, each read in one statement with the rollup and scores joined, written as arrays of cells.
 */
export const chosenFields = (
  knex: Knex,
  customersTable: string,
  fields: readonly ExportField[],
  format: CsvFormat,
  seesContact: boolean,
  dates: DateCells = 'text'
) => {
  const columns = fields.map(columnOf);
  const date = dates === 'excel' ? wallClock(format.timeZone) : localDate(format);
  const selects = columns.filter((c) => c.select).map((c) => `${c.select} as ${c.field.replace('.', '__')}`);
  const needs = (alias: string) => columns.some((c) => c.select?.startsWith(`${alias}.`));

  const cell = (column: Column, row: Record<string, unknown>, lists: Awaited<ReturnType<ListsOf>>): unknown => {
    if (column.kind === 'list') return (lists[column.field as 'tags' | 'segments']?.get(Number(row.__id)) ?? []).join(', ');
    const raw = row[column.field.replace('.', '__')];
    const sensitive = sensitiveName(column.field);
    if (sensitive && !seesContact) return MASKS[sensitive]((raw as string | null) ?? null);
    if (raw === null || raw === undefined) return null;
    if (column.kind === 'number') return Number(raw);
    if (column.kind === 'datetime') return date(readDate(raw));
    if (column.codes) return EXPORT_CODE_LABELS[column.codes][String(raw)]?.[format.locale] ?? raw;
    return raw;
  };

  return {
    labels: fields.map((f) => fieldLabel(f, format.locale)),
    /** The contact fields the file carries unmasked (what makes an export need approval). */
    sensitive: seesContact ? fields.map(sensitiveName).filter((n): n is NonNullable<typeof n> => n !== null) : [],
    async *batches(ids: Knex.QueryBuilder, listsOf: ListsOf, batch = 1000): AsyncGenerator<unknown[][]> {
      let after = 0;
      for (;;) {
        // The page's lower bound on every side of the joins (planner.ts leftJoinPastId).
        const q = knex(ids.clone().as('k'))
          .join(`${customersTable} as c`, 'c.id', 'k.customer_id')
          .select(['c.id as __id', ...selects])
          .where('c.id', '>', after)
          .where('k.customer_id', '>', after)
          .orderBy('c.id')
          .limit(batch);
        if (needs('mt')) leftJoinPastId(q, TABLES.metrics, 'mt', 'customer_id', 'c.id', after);
        if (needs('s')) leftJoinPastId(q, TABLES.scores, 's', 'customer_id', 'c.id', after);
        const rows: Record<string, unknown>[] = await q;
        if (rows.length === 0) return;
        const contact = { email: 'customer__email', phone: 'customer__phone', notes: 'customer__notes' };
        for (const r of rows) {
          // decryptRow reads the plain names; only the chosen contact columns are there.
          const plain: Record<string, unknown> = {};
          for (const [name, key] of Object.entries(contact)) if (key in r) plain[name] = r[key];
          decryptRow(plain);
          for (const [name, key] of Object.entries(contact)) if (key in r) r[key] = plain[name];
        }
        const lists = columns.some((c) => c.kind === 'list') ? await listsOf(rows.map((r) => Number(r.__id))) : {};
        yield rows.map((r) => columns.map((c) => cell(c, r, lists)));
        after = Number(rows[rows.length - 1].__id);
      }
    },
  };
};

/** Names by customer, each customer's sorted (the same order on every database). */
const grouped = (rows: { customer_id: unknown; name: unknown }[]) => {
  const by = new Map<number, string[]>();
  for (const r of rows) {
    const id = Number(r.customer_id);
    by.set(id, [...(by.get(id) ?? []), String(r.name)]);
  }
  for (const names of by.values()) names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return by;
};

/**
 * Reads the `tags` (unexpired) and `segments` (current membership) of a batch's customers, keeping
 * only the tags and segments `visible` answers (read once, on the first batch).
 */
export const listReader = (
  knex: Knex,
  tagsTable: string,
  fields: readonly ExportField[],
  visible: () => Promise<{ tags: Set<number>; segments: Map<number, string> }>
): ListsOf => {
  let seen: ReturnType<typeof visible> | null = null;
  return async (ids) => {
    const { tags, segments } = await (seen ??= visible());
    const out: Awaited<ReturnType<ListsOf>> = {};
    if (fields.includes('tags')) {
      const rows = await knex(`${TABLES.customerTags} as ct`)
        .join(`${tagsTable} as t`, 't.id', 'ct.tag_id')
        .whereIn('ct.customer_id', ids)
        .where((w) => w.whereNull('ct.expires_at').orWhere('ct.expires_at', '>', bindDate(knex, new Date())))
        .select('ct.customer_id', 't.id', 't.name');
      out.tags = grouped(rows.filter((r: any) => tags.has(Number(r.id))));
    }
    if (fields.includes('segments')) {
      const rows = await knex(`${TABLES.segmentCurrent} as cur`)
        .join(`${TABLES.segmentMembers} as m`, (j) => j.on('m.segment_id', 'cur.segment_id').andOn('m.run_id', 'cur.run_id'))
        .whereIn('m.customer_id', ids)
        .select('m.customer_id', 'm.segment_id');
      out.segments = grouped(
        rows.filter((r: any) => segments.has(Number(r.segment_id))).map((r: any) => ({ customer_id: r.customer_id, name: segments.get(Number(r.segment_id)) }))
      );
    }
    return out;
  };
};
