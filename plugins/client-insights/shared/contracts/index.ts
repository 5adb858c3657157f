/** Every endpoint of the plugin, by module (admin routes under /client-insights; content-API twins share them). */
export { approvalsApi } from './approvals';
export { auditApi } from './audit';
export { automationApi } from './automation';
export { webhookEndpointsApi } from './automation-endpoints';
export { customersApi } from './customers';
export { overviewApi } from './overview';
export { privacyApi } from './privacy';
export { reportsApi } from './reports';
export { rulesApi } from './rules';
export { segmentsApi } from './segments';
export { segmentHistoryApi } from './segment-history';
export { tagsApi } from './tags';
export { exportsApi } from './exports';
export { jobsApi } from './jobs';
export { notificationsApi } from './notifications';
export { valuesApi } from './values';
export { syncApi } from './sync';
export * from './http';
