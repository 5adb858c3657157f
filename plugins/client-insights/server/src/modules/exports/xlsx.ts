import { once } from 'events';
import { Writable } from 'stream';
import ExcelJS from 'exceljs';

/** Excel's row limit per sheet (the header row included). */
export const XLSX_MAX_ROWS = 1_048_576;

/**
 * Where each data row goes when a sheet holds at most `maxRows` rows, its header included: rows
 * 0 … maxRows−2 on sheet 0, and so on. `sheetsFor` is how many sheets `rows` data rows fill (one
 * at least: an empty export still has its header).
 */
export const sheetOf = (row: number, maxRows: number) => Math.floor(row / (maxRows - 1));
export const sheetsFor = (rows: number, maxRows: number) => Math.max(1, Math.ceil(rows / (maxRows - 1)));

/** How a date cell shows: ISO day and minutes, read the same way in every language's Excel. */
export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm';

/** exceljs' sheet stream (its StreamBuf): the zip entry streams it pushes into, and its own 64 KB buffers. */
type SheetStream = { pipes?: Pipe[]; buffers?: unknown[] };
/** archiver's PassThrough comes from readable-stream 2/3, which has no `writableNeedDrain`: its state says it. */
type Pipe = Writable & { _writableState?: { needDrain?: boolean } };
const needsDrain = (p: Pipe) => Boolean(p.writableNeedDrain ?? p._writableState?.needDrain);
const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits until the zip has taken what a sheet wrote. exceljs' StreamBuf pushes rows into the zip
 * entry without waiting for it (no backpressure) and buffers them itself while the entry is not
 * open yet, so a producer faster than deflate would pile the sheet's XML up in memory.
 */
const zipCaughtUp = async (sheet: ExcelJS.Worksheet) => {
  const stream = (sheet as unknown as { stream: SheetStream }).stream;
  for (;;) {
    const pipes = stream.pipes ?? [];
    const waiting = pipes.find(needsDrain);
    if (waiting) await once(waiting, 'drain');
    else if (pipes.length === 0 && (stream.buffers?.length ?? 0) > 16) await tick();
    else return;
  }
};

/**
 * Writes an .xlsx with exceljs' streaming WorkbookWriter (no shared strings, kept in memory; styles
 * on, for the one date format Date cells carry: Excel dates, not text) into `sink`, one sheet after another, a sheet committed (flushed to the zip)
 * before the next opens. Batches are awaited one at a time and the writer waits for the zip and
 * the sink to take them between batches, so memory holds about one batch and the zip's buffers.
 * Answers the number of data rows and sheets.
 */
export const writeXlsx = async (
  sink: Writable,
  labels: readonly string[],
  batches: AsyncIterable<unknown[][]>,
  { maxRows = XLSX_MAX_ROWS, sheetName = (i: number) => `Sheet${i + 1}`, afterBatch = async (_rows: number) => {} } = {}
) => {
  if (maxRows < 2) throw new Error('a sheet holds a header and at least one row');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  let sheet: ExcelJS.Worksheet | null = null;
  let sheetIndex = -1;
  let rows = 0;
  const open = () => {
    sheet?.commit();
    sheetIndex++;
    sheet = workbook.addWorksheet(sheetName(sheetIndex));
    sheet.addRow([...labels]).commit();
  };
  open();
  for await (const batch of batches) {
    for (const cells of batch) {
      if (sheetOf(rows, maxRows) !== sheetIndex) open();
      const row = sheet!.addRow(cells.map((v) => (v === null || v === undefined ? null : v)));
      cells.forEach((v, i) => {
        if (v instanceof Date) row.getCell(i + 1).numFmt = XLSX_DATE_FORMAT;
      });
      row.commit();
      rows++;
    }
    await zipCaughtUp(sheet!);
    if (sink.writableNeedDrain) await once(sink, 'drain');
    await afterBatch(rows);
  }
  (sheet as ExcelJS.Worksheet | null)?.commit();
  await workbook.commit();
  return { rows, sheets: sheetIndex + 1 };
};
