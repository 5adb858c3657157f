/**
 * The sync line of `npm run bench:reports`: a warehouse sync of every customer's value scores
 * into a scratch PostgreSQL database (created here, dropped at the end), full, then incremental
 * after 1 % of the scores changed; against the naive way (each row its own INSERT … ON CONFLICT,
 * every row every time, since it keeps no record of what was sent). The bench database has no
 * scores of its own, so deterministic ones are written for the run and removed after it.
 */
import type { Knex } from 'knex';
import knexFactory from 'knex';
import { HOST_TABLES, SYNC_TARGET_TABLES, TABLES } from '../plugins/client-insights/server/src/core/db/tables';
import { readPage } from '../plugins/client-insights/server/src/modules/sync/rows';
import { runSync } from '../plugins/client-insights/server/src/modules/sync/runner';
import { warehouseTarget } from '../plugins/client-insights/server/src/modules/sync/targets/warehouse';
import { ms } from './kit';

const PAGE = 5000;

const newRun = async (knex: Knex, destinationId: number, mode: 'full' | 'incremental') => {
  const now = new Date();
  const [row] = await knex(TABLES.syncRuns).insert(
    { destination_id: destinationId, mode, trigger: 'manual', status: 'running', watermark: now, started_at: now },
    ['id']
  );
  return Number(row.id);
};

/** The naive sync: every score row read and sent as its own upsert statement. */
const naiveSync = async (knex: Knex, target: Knex) => {
  let sent = 0;
  for (let after = 0; ;) {
    const rows = await readPage(knex, HOST_TABLES, 'scores', after, after + PAGE);
    for (const { row } of rows) {
      await target('naive_scores').insert(row).onConflict('customer_id').merge();
      sent++;
    }
    const next = await knex(HOST_TABLES.customers)
      .where('id', '>', after + PAGE)
      .min({ id: 'id' })
      .first();
    if (!next?.id) return sent;
    after += PAGE;
  }
};

export const benchSync = async (knex: Knex) => {
  const connection = (knex.client as any).config.connection;
  const scratch = `ci_bench_sync_${process.pid}`;
  const seeded = Number((await knex(TABLES.scores).count({ n: '*' }).first())!.n) === 0;
  let destinationId: number | null = null;
  await knex.raw(`create database ${scratch}`);
  const target = knexFactory({ client: 'pg', connection: { ...connection, database: scratch } });
  try {
    if (seeded) {
      await knex.raw(
        `insert into ${TABLES.scores} (customer_id, r, f, m, rfm, rfm_segment, quadrant, clv, churn_risk, model_version, calculated_at)
         select id, 1 + id % 5, 1 + id % 4, 1 + id % 3, (id % 500) / 100.0, 'loyal', 'potential', (id % 9973) * 1.5, (id % 1000) / 1000.0, 'bench', now()
         from ${HOST_TABLES.customers}`
      );
    }
    const [destination] = await knex(TABLES.syncDestinations).insert(
      {
        name: 'bench warehouse',
        type: 'warehouse',
        config: JSON.stringify({ client: 'postgres', host: connection.host, port: connection.port, database: scratch, user: connection.user }),
        secret: null,
        enabled: false,
        cron: '0 3 * * *',
        timezone: 'UTC',
        created_at: new Date(),
        updated_at: new Date(),
      },
      ['id']
    );
    destinationId = Number(destination.id);
    const settings = { client: 'postgres' as const, host: connection.host, port: connection.port, database: scratch, user: connection.user };
    const run = async (mode: 'full' | 'incremental') => {
      const runId = await newRun(knex, destinationId!, mode);
      const wh = warehouseTarget(settings, connection.password || null);
      const t = process.hrtime.bigint();
      try {
        await runSync(knex, HOST_TABLES, runId, wh, { progress: async () => undefined }, { pageSize: PAGE, kinds: ['scores'] });
      } finally {
        await wh.close();
      }
      const time = ms(t);
      const row = await knex(TABLES.syncRuns).where({ id: runId }).first();
      return { ms: time, sent: Number(row.sent), batches: Number(row.batches) };
    };
    const full = await run('full');
    const changed = Number((await knex.raw(`update ${TABLES.scores} set clv = clv + 1 where customer_id % 100 = 7`)).rowCount);
    const incremental = await run('incremental');
    const copied = await target(SYNC_TARGET_TABLES.scores).count({ n: '*' }).first();
    const source = await knex(TABLES.scores).count({ n: '*' }).first();
    const mismatched = Number(
      (await target.raw(`select count(*) as n from ${SYNC_TARGET_TABLES.scores} where customer_id % 100 = 7 and clv <> (customer_id % 9973) * 1.5 + 1`)).rows[0]
        .n
    );
    // The naive way, into a table of the same shape.
    await target.raw(`create table naive_scores (like ${SYNC_TARGET_TABLES.scores} including all)`);
    await target.raw(`alter table naive_scores alter column synced_at drop not null`);
    let t = process.hrtime.bigint();
    const naiveFullSent = await naiveSync(knex, target);
    const naiveFull = ms(t);
    t = process.hrtime.bigint();
    await naiveSync(knex, target);
    const naiveIncremental = ms(t);
    await knex.raw(`update ${TABLES.scores} set clv = clv - 1 where customer_id % 100 = 7`);
    return {
      customers: Number(source!.n),
      changed,
      full,
      incremental,
      naive: { fullMs: naiveFull, incrementalMs: naiveIncremental, rowsEachTime: naiveFullSent },
      ratio: { full: naiveFull / full.ms, incremental: naiveIncremental / incremental.ms },
      equal: Number(copied!.n) === Number(source!.n) && (!seeded || mismatched === 0),
    };
  } finally {
    if (destinationId !== null) {
      await knex(TABLES.syncLedger).where({ destination_id: destinationId }).delete();
      await knex(TABLES.syncRuns).where({ destination_id: destinationId }).delete();
      await knex(TABLES.syncDestinations).where({ id: destinationId }).delete();
    }
    if (seeded) await knex(TABLES.scores).where({ model_version: 'bench' }).delete();
    await target.destroy();
    await knex.raw(`drop database if exists ${scratch} with (force)`);
  }
};
