import { promises as fs } from 'fs';
import path from 'path';
import { csvCell } from '../../segments/csv';
import { COLUMNS } from '../rows';
import type { SyncBatch, SyncTarget } from './types';

/** A batch's file name: kind, run and batch (stable across a retry or a resumed run, so a batch written again replaces its own file). */
export const batchFileName = (batch: SyncBatch, format: 'jsonl' | 'csv') => `ci-sync-${batch.id}.${format}`;

/** The file's text: one line per row, `op` first (upsert or delete; a delete carries the key only). */
const fileText = (batch: SyncBatch, format: 'jsonl' | 'csv') => {
  const lines = [
    ...batch.upserts.map((row) => ({ op: 'upsert', mode: batch.mode, ...row })),
    ...batch.deletes.map((row) => ({ op: 'delete', mode: batch.mode, ...row })),
  ];
  if (format === 'jsonl') return lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  const columns = ['op', 'mode', ...COLUMNS[batch.kind]];
  const rows = lines.map((line) => columns.map((c) => csvCell((line as Record<string, unknown>)[c] ?? '')).join(','));
  return [columns.join(','), ...rows].join('\n') + '\n';
};

/**
 * A file drop: one file per batch in the folder, written under a hidden temporary name and renamed
 * when complete (a rename within a folder is atomic), so a reader watching the folder never sees a
 * half-written file. A full reload writes a `ci-sync-<run>-full.start` marker first.
 */
export const fileDropTarget = (folder: string, format: 'jsonl' | 'csv'): SyncTarget => {
  const write = async (name: string, text: string) => {
    const temp = path.join(folder, `.${name}.${process.pid}.tmp`);
    await fs.writeFile(temp, text);
    await fs.rename(temp, path.join(folder, name));
  };
  return {
    async prepare({ id, mode }) {
      await fs.mkdir(folder, { recursive: true });
      if (mode === 'full') await write(`ci-sync-${id}-full.start`, '');
    },
    async send(batch) {
      await write(batchFileName(batch, format), fileText(batch, format));
      return [];
    },
    close: async () => undefined,
  };
};
