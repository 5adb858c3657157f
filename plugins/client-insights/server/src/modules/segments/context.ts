import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { segmentsConfig, type SegmentsConfig } from './config';
import { hostTables, type HostTables } from '../../core/db/tables';
import { findSegments, type SegmentRow } from './repository';

/**
 * What the parts of the segments service share. Getters, not values: Strapi's table metadata
 * exists only once the database is loaded, after the service factory has run.
 */
export type SegmentsContext = {
  strapi: Core.Strapi;
  knex: () => Knex;
  tables: () => HostTables;
  config: () => SegmentsConfig;
  loadSegments: () => Promise<SegmentRow[]>;
  log: Core.Strapi['log'];
};

export const createContext = (strapi: Core.Strapi): SegmentsContext => {
  let tablesCache: HostTables | null = null;
  const tables = () => (tablesCache ??= hostTables(strapi));
  const knex = () => strapi.db.connection;
  return {
    strapi,
    knex,
    tables,
    config: () => segmentsConfig(strapi),
    loadSegments: () => findSegments(knex(), tables()),
    log: strapi.log,
  };
};
