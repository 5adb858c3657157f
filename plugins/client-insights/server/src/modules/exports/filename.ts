import type { ExportRequest } from '../../../../shared/contracts/exports';

/** The file name an export is saved under, the same whether streamed or written by a job. */
export const exportFilename = (request: ExportRequest): string => {
  const ext = request.format === 'xlsx' ? 'xlsx' : 'csv';
  return request.source === 'customers'
    ? `customers.${ext}`
    : `segment-result-${request.result.replace(/[^A-Za-z0-9-]/g, '')}${request.change ? `-${request.change}` : ''}.${ext}`;
};
