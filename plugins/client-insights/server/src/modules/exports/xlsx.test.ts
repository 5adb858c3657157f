import { PassThrough } from 'stream';
import ExcelJS from 'exceljs';
import { wallClock } from '../segments/csv-locale';
import { sheetOf, sheetsFor, writeXlsx, XLSX_DATE_FORMAT } from './xlsx';

async function* batchesOf(rows: unknown[][], size: number) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const cellsOf = new Map<string, ExcelJS.Worksheet>();

/** Writes an .xlsx into memory and reads it back with exceljs' reader. */
const roundTrip = async (labels: string[], rows: unknown[][], maxRows: number) => {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (b: Buffer) => parts.push(b));
  const written = await writeXlsx(sink, labels, batchesOf(rows, 2), { maxRows });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.concat(parts) as any);
  const sheets = book.worksheets.map((ws) => {
    cellsOf.set(ws.name, ws);
    const out: unknown[][] = [];
    ws.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
    return { name: ws.name, rows: out };
  });
  return { written, sheets };
};

describe('xlsx sheets', () => {
  it('places data rows on sheets of maxRows rows, header included', () => {
    // maxRows 3: a header and two data rows per sheet.
    expect([0, 1, 2, 3, 4].map((i) => sheetOf(i, 3))).toEqual([0, 0, 1, 1, 2]);
    expect(sheetsFor(0, 3)).toBe(1);
    expect(sheetsFor(2, 3)).toBe(1);
    expect(sheetsFor(3, 3)).toBe(2);
    expect(sheetsFor(1_048_575, 1_048_576)).toBe(1);
    expect(sheetsFor(1_048_576, 1_048_576)).toBe(2);
  });

  it('starts a new sheet with the header past the limit, every row kept in order', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => [i + 1, `客户 ${i + 1}`, i % 2 ? null : 1.5]);
    const { written, sheets } = await roundTrip(['ID', '姓名', 'Score'], rows, 3);
    expect(written).toEqual({ rows: 5, sheets: 3 });
    expect(sheets.map((s) => s.name)).toEqual(['Sheet1', 'Sheet2', 'Sheet3']);
    for (const s of sheets) expect(s.rows[0]).toEqual(['ID', '姓名', 'Score']);
    const data = sheets.flatMap((s) => s.rows.slice(1));
    // A null cell is left empty: exceljs reads the row back without it.
    expect(data.map((r) => [r[0], r[1], r[2] ?? null])).toEqual(rows);
  });

  it('writes the header alone for an empty export, and one sheet exactly at the limit', async () => {
    expect((await roundTrip(['ID'], [], 3)).sheets).toEqual([{ name: 'Sheet1', rows: [['ID']] }]);
    const full = await roundTrip(['ID'], [[1], [2]], 3);
    expect(full.written.sheets).toBe(1);
    await expect(writeXlsx(new PassThrough(), ['ID'], batchesOf([], 1), { maxRows: 1 })).rejects.toThrow(/at least one row/);
  });

  it('writes a Date as an Excel date with a date format, and text stays text', async () => {
    const when = new Date(Date.UTC(2026, 2, 5, 21, 45, 0));
    const { sheets } = await roundTrip(['ID', 'Created', 'Note'], [[1, when, '2026-03-05 21:45']], 3);
    const sheet = cellsOf.get(sheets[0].name)!;
    const date = sheet.getRow(2).getCell(2);
    expect(date.type).toBe(ExcelJS.ValueType.Date);
    expect(date.value).toEqual(when);
    expect(date.numFmt).toBe(XLSX_DATE_FORMAT);
    expect(sheet.getRow(2).getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(1).getCell(2).value).toBe('Created');
  });
});

describe('wallClock', () => {
  it('carries the local time of the zone in the UTC fields, across a daylight-saving change', () => {
    // 20:30 UTC is 04:30 the next day in Shanghai (UTC+8, no DST).
    expect(wallClock('Asia/Shanghai')(new Date(Date.UTC(2026, 0, 1, 20, 30)))).toEqual(new Date(Date.UTC(2026, 0, 2, 4, 30)));
    // New York: UTC−5 in January, UTC−4 in July.
    const ny = wallClock('America/New_York');
    expect(ny(new Date(Date.UTC(2026, 0, 15, 12, 0, 7)))).toEqual(new Date(Date.UTC(2026, 0, 15, 7, 0, 7)));
    expect(ny('2026-07-15T12:00:00.250Z')).toEqual(new Date(Date.UTC(2026, 6, 15, 8, 0, 0, 250)));
    // Midnight is hour 0, not 24.
    expect(wallClock('UTC')(new Date(Date.UTC(2026, 4, 1, 0, 0)))).toEqual(new Date(Date.UTC(2026, 4, 1, 0, 0)));
    expect(wallClock('UTC')('not a date')).toBeNull();
  });
});
