import type { ExportRequest } from '../../../../shared/contracts/exports';

/** The file name an export is saved under, the same whether streamed or written by a job. */
export const exportFilename = (request: ExportRequest): string =>
  request.source === 'customers'
    ? 'customers.csv'
    : `segment-result-${request.result.replace(/[^A-Za-z0-9-]/g, '')}${request.change ? `-${request.change}` : ''}.csv`;
