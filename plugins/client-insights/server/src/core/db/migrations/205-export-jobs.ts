import type { Migration } from './migration';

/**
 * Exports become tracked jobs: ci_jobs records who asked (an export is read and downloaded only by
 * them), and an export's file is kept in ci_export_chunks, one row per written batch in order, so
 * any node can serve the download and a cancelled or expired export leaves nothing on disk.
 */
const migration: Migration = {
  id: '205-export-jobs',
  async up(knex) {
    await knex.schema.alterTable('ci_jobs', (t) => {
      t.integer('requested_by').nullable();
    });
    await knex.schema.createTable('ci_export_chunks', (t) => {
      t.integer('job_id').notNullable();
      t.integer('seq').notNullable();
      // longtext on MySQL/MariaDB (a batch of rows can pass text's 64 KB); text elsewhere.
      t.text('data', 'longtext').notNullable();
      t.primary(['job_id', 'seq']);
    });
  },
};

export default migration;
