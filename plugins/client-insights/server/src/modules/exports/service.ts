import { Readable } from 'stream';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../../../shared/permissions';
import type { ExportFile, ExportRequest } from '../../../../shared/contracts/exports';
import { DEFAULT_EXPORT_FIELDS, type ExportField } from '../../../../shared/export-fields';
import { bindDate } from '../../core/db/dialect';
import { hostTables, TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import type { Viewer } from '../../core/http/viewer';
import { createJobTracker, type JobContext } from '../../core/jobs/tracker';
import { getService } from '../../get-service';
import type { CsvExport } from '../segments/csv';
import type { CsvFormat } from '../segments/csv-locale';
import type { Approver } from '../approvals/service';
import type { Requester } from '../approvals/requester';
import { exportApprovalNeed, exportApprovalRows, refuseUnapproved, whyApproval } from './approval-need';
import { decodeChunk } from './chunks';
import { chosenFields, listReader } from './fields';
import { exportFilename } from './filename';
import { csvText, storeCsv, storeXlsx } from './store';
import { XLSX_MAX_ROWS } from './xlsx';

/** What an export's approval request keeps to run later: the request, its format, and whether the requester saw contact data then. */
type ApprovedExport = { request: ExportRequest; format: CsvFormat; seesContact: boolean };

/** How long a written export can be downloaded; then its file is deleted (the job row stays). */
export const EXPORT_KEEP_HOURS = 24;
/** Chunks read per query when a file is downloaded. */
const CHUNKS_PER_READ = 20;
const PURGE_SCHEDULE = 'exports.purge';

/** What an export writes, counted and checked before its job starts. */
type Prepared = {
  total: number;
  columns: readonly string[];
  sensitive: readonly string[];
  /** Writes the file of job `jobId` into ci_export_chunks. */
  write(jobId: number, ctx: JobContext): Promise<Omit<ExportFile, 'filename' | 'expiresAt'>>;
  /** Lets go of what was opened for writing (an export that waits for approval instead). */
  close(): void;
};

/**
 * Exports as tracked jobs ('export'): the file is written in the background, batch by batch, into
 * ci_export_chunks (any node can serve it), with progress as rows written / rows counted and a
 * cancel seen between batches. Data is chosen with the rights of the user who asked, at the time
 * they asked (masking, segment visibility), and only they can read the job and download the file.
 * A request without fields and format is the source's fixed-column CSV (the direct routes' file);
 * with them, the chosen fields in order (fields.ts), as CSV or .xlsx (xlsx.ts).
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tracker = () => createJobTracker(knex(), strapi.log);
  /** Rows per .xlsx sheet, header included (`exports.xlsxMaxRows`; Excel's limit unless set lower, as tests do). */
  const xlsxMaxRows = () => {
    const rows = Number(strapi.config.get(`plugin::${PLUGIN_ID}.exports.xlsxMaxRows`, XLSX_MAX_ROWS));
    return Number.isInteger(rows) && rows >= 2 && rows <= XLSX_MAX_ROWS ? rows : XLSX_MAX_ROWS;
  };
  const expiry = () => new Date(Date.now() + EXPORT_KEEP_HOURS * 3_600_000).toISOString();

  /** The customers a request covers, as the viewer may see them: an id subquery and its count. */
  const customerIds = async (viewer: Viewer, request: ExportRequest) => {
    if (request.source === 'segmentResult') return getService(strapi, 'segments').memberIds(viewer, request.result, request.change);
    const { query } = await getService(strapi, 'customers').matchingIds(request.filter, viewer);
    return { query, total: Number((await knex().from(query.clone().as('m')).count({ n: '*' }).first())?.n ?? 0) };
  };

  /** Tag and segment names of a batch's customers: unexpired tags and current segments the viewer sees. */
  const listsOf = (viewer: Viewer, fields: readonly ExportField[]) =>
    listReader(knex(), hostTables(strapi).tags, fields, async () => ({
      tags: fields.includes('tags') ? await getService(strapi, 'tags').visibleTagIds(viewer) : new Set<number>(),
      segments: new Map(
        fields.includes('segments') ? (await getService(strapi, 'segments').visibleSegments(viewer)).visible.map((s) => [s.id, s.name] as const) : []
      ),
    }));

  /** What a request writes, as the viewer may see it. */
  const open = async (viewer: Viewer, request: ExportRequest, format: CsvFormat): Promise<Prepared> => {
    if (!request.fields && request.format !== 'xlsx') {
      // The source's fixed columns: the same file the direct export routes stream.
      const csv =
        request.source === 'customers'
          ? await getService(strapi, 'customers').exportCsv(request.filter, viewer, format)
          : await getService(strapi, 'segments').exportCsv(viewer, request.result, request.change, format);
      return { ...csv, write: (jobId, ctx) => storeCsv(knex(), jobId, csv.stream, csv.total, ctx), close: () => csv.stream.destroy() };
    }
    const fields = request.fields ?? DEFAULT_EXPORT_FIELDS[request.source];
    const { query, total } = await customerIds(viewer, request);
    const table = chosenFields(knex(), hostTables(strapi).customers, fields, format, Boolean(viewer.seesContact), request.format === 'xlsx' ? 'excel' : 'text');
    const batches = () => table.batches(query, listsOf(viewer, fields));
    return {
      total,
      columns: fields,
      sensitive: table.sensitive,
      write: (jobId, ctx) =>
        request.format === 'xlsx'
          ? storeXlsx(knex(), jobId, { labels: table.labels, batches: batches(), total, maxRows: xlsxMaxRows() }, ctx)
          : storeCsv(knex(), jobId, csvText(table.labels, batches()), total, ctx),
      close: () => undefined,
    };
  };

  const write = async (jobId: number, request: ExportRequest, prepared: Prepared, ctx: JobContext): Promise<ExportFile> => ({
    ...(await prepared.write(jobId, ctx)),
    filename: exportFilename(request),
    expiresAt: expiry(),
  });

  /** Deletes the files of exports finished more than EXPORT_KEEP_HOURS ago; answers how many. */
  const purge = async (now = new Date()) => {
    const before = bindDate(knex(), new Date(now.getTime() - EXPORT_KEEP_HOURS * 3_600_000));
    const expired = knex()(TABLES.jobs).where({ kind: 'export' }).where('finished_at', '<', before).select('id');
    return Number(await knex()(TABLES.exportChunks).whereIn('job_id', expired).delete());
  };

  /** Starts the tracked job writing `prepared` for `viewer`; answers the job. */
  const run = async (viewer: Extract<Viewer, { kind: 'admin' }>, request: ExportRequest, format: CsvFormat, prepared: Prepared) => {
    const id = await tracker().start('export', { ...request, format, rows: prepared.total }, (ctx) => write(ctx.jobId, request, prepared, ctx), viewer.userId);
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
      const prepared = await open(viewer, what, format);
      const preview = exportApprovalNeed(prepared, exportApprovalRows(strapi));
      if (!preview) return { job: await run(viewer, what, format, prepared) };
      prepared.close();
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
      return { jobId: (await run(viewer, request, format, await open(viewer, request, format))).id };
    },

    /** Refuses (403) a direct CSV export that would need approval; see approval-need.ts. */
    refuseUnapproved: (csv: CsvExport) => refuseUnapproved(csv, exportApprovalRows(strapi)),

    /** The written file of export `jobId` of the viewer, streamed chunk by chunk. */
    async file(viewer: Viewer, jobId: number) {
      const job = await tracker().get(jobId);
      if (!job || job.kind !== 'export' || viewer.kind !== 'admin' || job.requestedBy !== viewer.userId) throw ApiError.notFound(`export ${jobId} not found`);
      if (job.status !== 'success') throw ApiError.conflict(`export ${jobId} is ${job.status}: there is no file to download`);
      const file = job.result as ExportFile;
      const binary = file.format === 'xlsx';
      const first = await knex()(TABLES.exportChunks).where({ job_id: jobId }).first('seq');
      if (!first) throw ApiError.gone(`the file of export ${jobId} was deleted ${EXPORT_KEEP_HOURS} hours after it was written; export again`);
      const db = knex();
      async function* chunks() {
        for (let from = 0; ; from += CHUNKS_PER_READ) {
          const rows = await db(TABLES.exportChunks).where({ job_id: jobId }).where('seq', '>=', from).orderBy('seq').limit(CHUNKS_PER_READ).select('data');
          for (const row of rows) yield decodeChunk(row.data, binary);
          if (rows.length < CHUNKS_PER_READ) return;
        }
      }
      return { filename: file.filename, format: file.format ?? 'csv', stream: Readable.from(chunks()) };
    },

    purge,

    /** Bootstrap: expired files are deleted every hour. */
    schedulePurge() {
      getService(strapi, 'scheduler').schedule({ name: PURGE_SCHEDULE, cron: '17 * * * *', run: async () => void (await purge()) });
    },
  };
};
