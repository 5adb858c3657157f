import events from '../core/events';
import jobs from '../core/jobs';
import approvals from './approvals';
import audit from './audit';
import automation from './automation';
import crm from './crm';
import customers from './customers';
import docs from './docs';
import exportsModule from './exports';
import metrics from './metrics';
import monitoring from './monitoring';
import overview from './overview';
import privacy from './privacy';
import reports from './reports';
import rules from './rules';
import segments from './segments';
import sync from './sync';
import tags from './tags';
import notifications from './notifications';
import values from './values';

/** Every capability of the plugin; the root registries spread them. */
export const modules = {
  events,
  jobs,
  rules,
  metrics,
  customers,
  tags,
  segments,
  values,
  overview,
  reports,
  exports: exportsModule,
  approvals,
  audit,
  privacy,
  docs,
  crm,
  automation,
  notifications,
  monitoring,
  sync,
};

const names = Object.keys(modules) as (keyof typeof modules)[];

/** Spelled out rather than folded, so the registry's type stays a plain object type. */
export const services = {
  ...events.services,
  ...jobs.services,
  ...rules.services,
  ...metrics.services,
  ...customers.services,
  ...tags.services,
  ...segments.services,
  ...values.services,
  ...overview.services,
  ...reports.services,
  ...exportsModule.services,
  ...approvals.services,
  ...audit.services,
  ...privacy.services,
  ...docs.services,
  ...automation.services,
  ...notifications.services,
  ...monitoring.services,
  ...sync.services,
};
export const controllers = Object.assign({}, ...names.map((name) => modules[name].controllers)) as Record<string, unknown>;
export const routes = {
  admin: { type: 'admin', routes: Object.values(modules).flatMap((m) => (m.routes as { admin?: unknown[] }).admin ?? []) },
  'content-api': { type: 'content-api', routes: Object.values(modules).flatMap((m) => (m.routes as { contentApi?: unknown[] }).contentApi ?? []) },
};
