import { Readable } from 'stream';
import type { Core } from '@strapi/strapi';
import type { ExportFile, ExportRequest } from '../../../../shared/contracts/exports';
import { bindDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import type { Viewer } from '../../core/http/viewer';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { getService } from '../../get-service';
import type { CsvExport } from '../segments/csv';
import type { CsvFormat } from '../segments/csv-locale';
import type { Approver } from '../approvals/service';
import type { Requester } from '../approvals/requester';
import { exportApprovalNeed, exportApprovalRows, refuseUnapproved, whyApproval } from './approval-need';
import { exportFilename } from './filename';

/** What an export's approval request keeps to run later: the request, its format, and whether the requester saw contact data then. */
type ApprovedExport = { request: ExportRequest; format: CsvFormat; seesContact: boolean };

/** How long a written export can be downloaded; then its file is deleted (the job row stays). */
export const EXPORT_KEEP_HOURS = 24;
/** Chunks read per query when a file is downloaded. */
const CHUNKS_PER_READ = 20;
const PURGE_SCHEDULE = 'exports.purge';

/** Records in whole lines of CSV: line ends outside quoted cells (a cell may hold a line break). */
const csvRecords = (text: string) => {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) records++;
  }
  return records;
};

/**
 * Exports as tracked jobs ('export'): the file is written in the background, batch by batch, into
 * ci_export_chunks (any node can serve it), with progress as rows written / rows counted and a
 * cancel seen between batches. Data is chosen with the rights of the user who asked, at the time
 * they asked (masking, segment visibility), and only they can read the job and download the file.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tracker = () => createJobTracker(knex(), strapi.log);

  /** The CSV of a request, as the viewer may see it (the same as the direct export routes answer). */
  const open = (viewer: Viewer, request: ExportRequest, format: CsvFormat): Promise<CsvExport> =>
    request.source === 'customers'
      ? getService(strapi, 'customers').exportCsv(request.filter, viewer, format)
      : getService(strapi, 'segments').exportCsv(viewer, request.result, request.change, format);

  const write = async (jobId: number, request: ExportRequest, csv: CsvExport, ctx: JobContext): Promise<ExportFile> => {
    let seq = 0;
    let rows = 0;
    let bytes = 0;
    try {
      await ctx.progress(0, 'writing');
      for await (const chunk of csv.stream) {
        const text = String(chunk);
        await knex()(TABLES.exportChunks).insert({ job_id: jobId, seq: seq++, data: text });
        bytes += Buffer.byteLength(text);
        // The first chunk is the header (byte order mark and column names); then one record per row.
        if (seq > 1) rows += csvRecords(text);
        await ctx.progress(csv.total > 0 ? rows / csv.total : 1);
      }
    } catch (error) {
      // Cancelled or failed: no partial file is left to download.
      await knex()(TABLES.exportChunks).where({ job_id: jobId }).delete();
      throw error;
    }
    return { rows, bytes, filename: exportFilename(request), expiresAt: new Date(Date.now() + EXPORT_KEEP_HOURS * 3_600_000).toISOString() };
  };

  /** Deletes the files of exports finished more than EXPORT_KEEP_HOURS ago; answers how many. */
  const purge = async (now = new Date()) => {
    const before = bindDate(knex(), new Date(now.getTime() - EXPORT_KEEP_HOURS * 3_600_000));
    const expired = knex()(TABLES.jobs).where({ kind: 'export' }).where('finished_at', '<', before).select('id');
    return Number(await knex()(TABLES.exportChunks).whereIn('job_id', expired).delete());
  };

  /** Starts the tracked job writing `csv` for `viewer`; answers the job. */
  const run = async (viewer: Extract<Viewer, { kind: 'admin' }>, request: ExportRequest, format: CsvFormat, csv: CsvExport) => {
    const id = await tracker().start('export', { ...request, format, rows: csv.total }, (ctx) => write(ctx.jobId, request, csv, ctx), viewer.userId);
    return (await tracker().get(id))!;
  };

  return {
    /**
     * Starts an export job for the viewer (an admin user). The request is checked now (unknown or
     * hidden result, bad filter: 4xx, no job), and its rows counted for progress. An export that
     * needs approval (approval-need.ts) becomes a pending approval request instead, with the
     * viewer's reason (400 on /reason without one); `approver` is the viewer as approvals know them.
     */
    async start(viewer: Viewer, request: ExportRequest, format: CsvFormat, approver: Approver | null = null) {
      if (viewer.kind !== 'admin' || !approver) throw ApiError.forbidden('exports are made for an admin user');
      const { reason, ...what } = request;
      const csv = await open(viewer, what, format);
      const preview = exportApprovalNeed(csv, exportApprovalRows(strapi));
      if (!preview) return { job: await run(viewer, what, format, csv) };
      csv.stream.destroy();
      if (!reason) {
        throw ApiError.invalid([
          { path: '/reason', message: `this export needs approval (${whyApproval(preview)}): give a reason and it is sent to an approver` },
        ]);
      }
      const payload: ApprovedExport = { request: what, format, seesContact: viewer.seesContact };
      return { approval: await getService(strapi, 'approvals').request(approver, 'export', payload, reason, preview) };
    },

    /**
     * Runs an approved export (approvals/kinds.ts) as the requester's job, with their rights now and
     * never more contact data than the approver saw in the preview; answers the job id.
     */
    async startApproved(payload: unknown, requester: Requester) {
      const { request, format, seesContact } = payload as ApprovedExport;
      if (!requester.can('export') || !requester.can('segments.read')) throw ApiError.conflict('the user who asked no longer holds the export permission');
      const viewer = { ...requester.viewer, seesContact: seesContact && requester.viewer.seesContact };
      const csv = await open(viewer, request, format);
      return { jobId: (await run(viewer, request, format, csv)).id };
    },

    /** Refuses (403) a direct CSV export that would need approval; see approval-need.ts. */
    refuseUnapproved: (csv: CsvExport) => refuseUnapproved(csv, exportApprovalRows(strapi)),

    /** The written file of export `jobId` of the viewer, streamed chunk by chunk. */
    async file(viewer: Viewer, jobId: number) {
      const job = await tracker().get(jobId);
      if (!job || job.kind !== 'export' || viewer.kind !== 'admin' || job.requestedBy !== viewer.userId) throw ApiError.notFound(`export ${jobId} not found`);
      if (job.status !== 'success') throw ApiError.conflict(`export ${jobId} is ${job.status}: there is no file to download`);
      const file = job.result as ExportFile;
      const first = await knex()(TABLES.exportChunks).where({ job_id: jobId }).first('seq');
      if (!first) throw ApiError.gone(`the file of export ${jobId} was deleted ${EXPORT_KEEP_HOURS} hours after it was written; export again`);
      const db = knex();
      async function* chunks() {
        for (let from = 0; ; from += CHUNKS_PER_READ) {
          const rows = await db(TABLES.exportChunks).where({ job_id: jobId }).where('seq', '>=', from).orderBy('seq').limit(CHUNKS_PER_READ).select('data');
          for (const row of rows) yield String(row.data);
          if (rows.length < CHUNKS_PER_READ) return;
        }
      }
      return { filename: file.filename, stream: Readable.from(chunks()) };
    },

    purge,

    /** Bootstrap: expired files are deleted every hour. */
    schedulePurge() {
      getService(strapi, 'scheduler').schedule({ name: PURGE_SCHEDULE, cron: '17 * * * *', run: async () => void (await purge()) });
    },
  };
};
