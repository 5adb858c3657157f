import m001 from './001-customer-tags';
import m002 from './002-customer-metrics';
import m003 from './003-customer-scores';
import m004 from './004-segment-membership';
import m005 from './005-rule-indexes';
import m301 from './301-segment-runs';
import m101 from './101-metrics-dirty';
import m201 from './201-value-models';
import m202 from './202-jobs';
import m302 from './302-segment-runs-primary-pending';
import m303 from './303-segment-runs-node';
import m110 from './110-rule-covering-indexes';
import m120 from './120-customer-activity';
import m130 from './130-segment-pending';
import m140 from './140-activity-probe-indexes';
import m203 from './203-value-history-by-run';
import m204 from './204-one-job-model';
import m304 from './304-segment-key-unique';
import m006 from './006-status-attributes-renamed';
import m205 from './205-export-jobs';
import m206 from './206-value-card-tasks';
import m207 from './207-audit-log';
import m208 from './208-approvals';
import m210 from './210-customer-contact-hashes';
import m211 from './211-customer-consent';
import m212 from './212-automation';
import m213 from './213-tag-auto-rules';
import m220 from './220-automation-endpoints';
import m240 from './240-segment-versions';
import m270 from './270-sync';
import m214 from './214-automation-cap-slots';
import m215 from './215-stored-figures';
import m150 from './150-metrics-risk-index';
import m160 from './160-metrics-last-events';
import m305 from './305-segment-members-customer-run-index';
import type { Migration } from './migration';

/**
 * Every migration, in the order migrate() applies those a database has not applied yet. Ids are
 * stored in ci_migrations and databases of earlier releases applied theirs in this order: it is
 * history. Never reorder, rename or remove an entry; append new migrations at the end.
 */
const migrations: Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m301,
  m101,
  m201,
  m202,
  m302,
  m303,
  m110,
  m120,
  m130,
  m140,
  m203,
  m204,
  m304,
  m006,
  m205,
  m206,
  m207,
  m208,
  m210,
  m211,
  m212,
  m220,
  m240,
  m270,
  m213,
  m214,
  m215,
  m150,
  m160,
  m305,
];

export default migrations;
