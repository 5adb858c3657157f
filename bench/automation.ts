/**
 * `npm run bench:automation`: the automation engine on PostgreSQL (`ci_bench_100k` or
 * DATABASE_*), booted as the app runs it (compiled dist, its inbox loop and outbox worker), with a
 * local webhook receiver and SMTP sink in a child process (automation-sinks.ts).
 *
 * 1. segment enter: a segment run that adds BENCH_ENTER customers (100,000) to a segment, written
 *    as a run writes it (its ci_segment_events rows and one inbox row, one transaction); timed
 *    from that commit until every outbox row of the rule (a webhook step) is written.
 * 1b. the same run for a rule with conditions, decided in SQL and customer by customer (a 1% holdout
 *    sends a rule down that path), as a ratio.
 * 2. webhook delivery: the worker drains those rows to the receiver for up to BENCH_DELIVERY_S.
 * 3. email: a second rule sends BENCH_EMAILS emails through Strapi's email plugin to the SMTP sink.
 * 4. latency: an event rule with no wait and a webhook step, under a steady BENCH_EVENTS_PER_S
 *    (50) inbox events for BENCH_LATENCY_S seconds: event written → webhook received, p50/p95.
 * 5. naive alternative: one pass of a cron that re-queries every rule against every customer
 *    (each customer's facts loaded and the rule evaluated, then new matches found against the
 *    occurrences), as a ratio to the event-driven figures.
 * After 3, one pooled SMTP connection sends mails one after another with the app's socket
 * (TCP_NODELAY) and with nodemailer's own, as ms per mail.
 * Node RSS is sampled every 100 ms throughout. Everything the run writes (rules, endpoint, segment
 * events, consent rows, outbox, logs, email_sent interactions) is deleted at the end.
 * Results: bench/results/automation.json, keyed by database.
 */
import { fork, type ChildProcess } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import { noDelaySocket } from '../src/email/smtp-socket';
import { bootStrapi, ROOT } from '../scripts/lib/boot';
import { fmt, median, p95 } from './kit';

const ENTER = Number(process.env.BENCH_ENTER ?? 100_000);
const DELIVERY_S = Number(process.env.BENCH_DELIVERY_S ?? 60);
const EMAILS = Number(process.env.BENCH_EMAILS ?? 20_000);
const EMAIL_S = Number(process.env.BENCH_EMAIL_S ?? 60);
const EVENTS_PER_S = Number(process.env.BENCH_EVENTS_PER_S ?? 50);
const LATENCY_S = Number(process.env.BENCH_LATENCY_S ?? 30);
const NAIVE_CUSTOMERS = Number(process.env.BENCH_NAIVE_CUSTOMERS ?? 20_000);
const SMTP_SEQUENTIAL = Number(process.env.BENCH_SMTP_SEQUENTIAL ?? 200);
/** Synthetic segment ids, far above real ones. */
const SEG_WEBHOOK = 1_900_000_201;
const SEG_EMAIL = 1_900_000_202;
const SEG_COND_SQL = 1_900_000_203;
const SEG_COND_JS = 1_900_000_204;
const RUN_ID = 1_900_000_201;

/** The compiled engine the booted app runs (the same module instances as its worker). */
const dist = (file: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(ROOT, 'plugins/client-insights/dist/server/src', file));
const workerModule = () => dist('modules/automation/engine/worker') as typeof import('../plugins/client-insights/server/src/modules/automation/engine/worker');
const inboxModule = () => dist('modules/automation/engine/inbox') as typeof import('../plugins/client-insights/server/src/modules/automation/engine/inbox');
const cryptoModule = () => dist('core/security/field-crypto') as typeof import('../plugins/client-insights/server/src/core/security/field-crypto');
const factsModule = () => dist('modules/rules/facts') as typeof import('../plugins/client-insights/server/src/modules/rules/facts');
const evaluateModule = () => dist('modules/rules/evaluate') as typeof import('../plugins/client-insights/server/src/modules/rules/evaluate');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));

// ---- sinks ---------------------------------------------------------------------------------------

type SinkCounts = { received: number; distinct: number; duplicates: number; latenciesMs: number[] };
type Sinks = { webhookUrl: string; smtpPort: number; report(): Promise<{ webhooks: SinkCounts; mails: SinkCounts }>; reset(): Promise<void>; stop(): void };

const startSinks = async (): Promise<Sinks> => {
  const child: ChildProcess = fork(path.join(ROOT, 'scripts/run-ts.js'), [path.join(__dirname, 'automation-sinks.ts')], { stdio: 'inherit' });
  const next = (type: string) => new Promise<any>((resolve) => child.once('message', (m: any) => (m.type === type ? resolve(m) : undefined)));
  const ready = await next('ready');
  return {
    webhookUrl: `http://127.0.0.1:${ready.webhookPort}/hook`,
    smtpPort: ready.smtpPort,
    report: () => {
      const answer = next('report');
      child.send({ type: 'report' });
      return answer;
    },
    reset: async () => {
      const answer = next('reset');
      child.send({ type: 'reset' });
      await answer;
    },
    stop: () => child.kill(),
  };
};

// ---- fixtures --------------------------------------------------------------------------------------

const createRule = async (strapi: Core.Strapi, name: string, definition: Record<string, unknown>): Promise<string> => {
  const doc = await strapi.documents('api::automation-rule.automation-rule').create({
    data: { name, trigger: { type: 'manual' }, actions: [{ kind: 'wait', duration: { amount: 1, unit: 'minutes' } }], rule_status: 'draft' } as any,
  });
  // Activated below the Document Service, as the engine tests do: the benchmark measures the engine, not approvals.
  await strapi.db.query('api::automation-rule.automation-rule').update({ where: { documentId: doc.documentId }, data: { rule_status: 'active' } });
  await strapi.db
    .connection('ci_automation_versions')
    .insert({ rule_doc: doc.documentId, version: 1, definition: JSON.stringify(definition), high_risk: false, created_at: new Date() });
  return doc.documentId;
};

/** Ends the inbox loop's cached view of the rules, so a rule just written is seen at once. */
const refreshRules = () =>
  (
    dist('modules/automation/engine/versions') as typeof import('../plugins/client-insights/server/src/modules/automation/engine/versions')
  ).invalidateVersions();

const guard = { quietHours: false, includeChurned: true, reentry: { mode: 'every' } };

/** A segment run's writes: its enter events for `ids` and the one inbox row a run writes, in one transaction. */
const writeRun = (knex: Knex, segmentId: number, ids: number[]) =>
  knex.transaction(async (trx) => {
    await trx.raw(
      `insert into ci_segment_events (segment_id, customer_id, kind, occurred_at, run_id)
       select ?, c.id, 'enter', now(), ? from customers c where c.id = any(?::int[])`,
      [segmentId, RUN_ID, ids]
    );
    const last = await trx('ci_segment_events').where({ segment_id: segmentId, run_id: RUN_ID }).max({ id: 'id' }).first();
    await inboxModule().recordEvents(trx as any, [
      {
        event: 'segment.run',
        customerId: null,
        ref: `bench-${segmentId}`,
        payload: { segmentId, runId: RUN_ID, lastEventId: Number(last?.id ?? 0) },
        occurredAt: new Date(),
      },
    ]);
  });

/**
 * The customers the sends go to: scratch rows (document ids `benchauto…`, deleted at the end)
 * whose contact data is synthetic and encrypted with this process's key, since the seeded
 * customers' contact data is encrypted with the seeding process's key, which this one may not hold.
 */
const SCRATCH = 'benchauto';
const dropScratchCustomers = async (knex: Knex) => {
  const scratch = knex('customers').where('document_id', 'like', `${SCRATCH}%`).select('id');
  await knex('ci_customer_consent').whereIn('customer_id', scratch).delete();
  await knex('customers').where('document_id', 'like', `${SCRATCH}%`).delete();
};
const addScratchCustomers = async (knex: Knex, n: number): Promise<number[]> => {
  await dropScratchCustomers(knex);
  const now = new Date();
  const { encryptRow } = cryptoModule();
  for (let i = 0; i < n; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 1000); j += 1)
      rows.push(
        encryptRow({
          document_id: `${SCRATCH}${String(j).padStart(8, '0')}`,
          name: `Bench ${j}`,
          email: `c${j}@bench.invalid`,
          phone: null,
          language: 'zh-CN',
          stage: 'consultation',
          created_at: now,
          updated_at: now,
          published_at: now,
        })
      );
    await knex('customers').insert(rows);
  }
  return (await knex('customers').where('document_id', 'like', `${SCRATCH}%`).orderBy('id').pluck('id')).map(Number);
};

const countOutbox = async (knex: Knex, ruleDoc: string, status?: string) =>
  Number(
    (
      await knex('ci_automation_outbox')
        .where({ rule_doc: ruleDoc, ...(status ? { status } : {}) })
        .count({ n: '*' })
        .first()
    )?.n ?? 0
  );

/** The worker started and stopped around a measured window (the boot's own worker is stopped first). */
const withWorker = async <T>(strapi: Core.Strapi, run: () => Promise<T>): Promise<T> => {
  workerModule().startWorker(strapi).nudge();
  try {
    return await run();
  } finally {
    await workerModule().stopWorker(strapi);
  }
};

/** Polls `count` until it reaches `target` or `seconds` pass; answers the deliveries and seconds, and the slowest 5 s slice's rate. */
const drainWindow = async (count: () => Promise<number>, target: number, seconds: number) => {
  const start = Date.now();
  const samples: Array<{ at: number; n: number }> = [{ at: start, n: 0 }];
  let n = 0;
  while (n < target && Date.now() - start < seconds * 1000) {
    await sleep(250);
    n = await count();
    samples.push({ at: Date.now(), n });
  }
  const elapsedS = (samples[samples.length - 1].at - start) / 1000;
  // Sustained: the slowest whole 5 s slice after the first second (warm-up), when there are any.
  const rates: number[] = [];
  for (let from = start + 1000; from + 5000 <= samples[samples.length - 1].at; from += 5000) {
    const a = samples.find((s) => s.at >= from)!;
    const b = samples.find((s) => s.at >= from + 5000)!;
    rates.push(((b.n - a.n) * 1000) / (b.at - a.at));
  }
  return { delivered: n, seconds: elapsedS, perSecond: n / elapsedS, slowest5sPerSecond: rates.length ? Math.min(...rates) : null };
};

// ---- run ---------------------------------------------------------------------------------------------

const main = async () => {
  const secret = () => crypto.randomBytes(16).toString('base64');
  const sinks = await startSinks();
  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_CLIENT: process.env.DATABASE_CLIENT ?? 'postgres',
    DATABASE_NAME: process.env.DATABASE_NAME ?? 'ci_bench_100k',
    DATABASE_HOST: process.env.DATABASE_HOST ?? '127.0.0.1',
    DATABASE_USERNAME: process.env.DATABASE_USERNAME ?? 'postgres',
    APP_KEYS: process.env.APP_KEYS ?? [secret(), secret()].join(','),
    API_TOKEN_SALT: process.env.API_TOKEN_SALT ?? secret(),
    ADMIN_JWT_SECRET: process.env.ADMIN_JWT_SECRET ?? secret(),
    TRANSFER_TOKEN_SALT: process.env.TRANSFER_TOKEN_SALT ?? secret(),
    JWT_SECRET: process.env.JWT_SECRET ?? secret(),
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? secret(),
    SERVE_ADMIN: 'false',
    STRAPI_TELEMETRY_DISABLED: 'true',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sinks.smtpPort),
    SMTP_FROM: 'Bench <bench@client-insights.invalid>',
  });
  let peakRss = process.memoryUsage().rss;
  const phasePeak: Record<string, number> = {};
  // The V8 heap in use beside RSS: tells live objects from memory the process keeps after a collection.
  const heapPeak: Record<string, number> = {};
  let phase = 'boot';
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    heapPeak[phase] = Math.max(heapPeak[phase] ?? 0, heapUsed);
    peakRss = Math.max(peakRss, rss);
    phasePeak[phase] = Math.max(phasePeak[phase] ?? 0, rss);
  }, 100);
  const bootAt = new Date(Date.now() - 1000);
  const strapi = await bootStrapi({ jobs: true }); // as the app runs: the inbox loop fires the latency case's events
  const knex = strapi.db.connection as unknown as Knex;
  const database = String((knex.client as any).config.connection?.database);
  if (!String((knex.client as any).config.client).includes('pg')) throw new Error('bench:automation runs on PostgreSQL (DATABASE_CLIENT=postgres)');
  // The boot started this node's worker; each case starts and stops its own around its window.
  await workerModule().stopWorker(strapi);
  const rules: string[] = [];
  let endpointId = 0;
  const consentAdded: number[] = [];
  const result: Record<string, unknown> = { database, at: new Date().toISOString(), node: process.version, cpus: os.cpus().length };
  try {
    // Each run leaves these tables a run's worth of dead rows (its rows are deleted at the end);
    // with autovacuum off, as on the benchmark machines, later runs scanned millions of them and
    // measured slower. Every run starts from vacuumed tables.
    for (const table of [
      'ci_automation_outbox',
      'ci_automation_occurrences',
      'ci_automation_logs',
      'ci_automation_inbox',
      'ci_segment_events',
      'ci_segment_members',
      'interactions',
      'interactions_customer_lnk',
      'ci_customer_events',
      'customers',
    ])
      await knex.raw('vacuum analyze ??', [table]);
    const total = Number((await knex('customers').count({ n: '*' }).first())?.n ?? 0);
    const naiveIds = (await knex('customers').orderBy('id').limit(NAIVE_CUSTOMERS).pluck('id')).map(Number);
    const ids = await addScratchCustomers(knex, Math.max(ENTER, EMAILS));
    console.log(`${database}: ${total} customers; load ${load().join(' ')}`);
    // Worker settings to compare (the defaults otherwise, as recorded below).
    if (process.env.BENCH_CONCURRENCY) strapi.config.set('plugin::client-insights.automation.concurrency', Number(process.env.BENCH_CONCURRENCY));
    if (process.env.BENCH_BATCH) strapi.config.set('plugin::client-insights.automation.batch', Number(process.env.BENCH_BATCH));
    const settings = (strapi.config.get('plugin::client-insights.automation', {}) ?? {}) as Record<string, unknown>;
    result.settings = { batch: settings.batch ?? 'default', concurrency: settings.concurrency ?? 'default' };

    const [endpoint] = await knex('ci_automation_endpoints')
      .insert({
        name: 'bench receiver',
        url: sinks.webhookUrl,
        secret: cryptoModule().encryptText(`whsec_${crypto.randomBytes(24).toString('base64')}`),
        enabled: true,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id');
    endpointId = Number((endpoint as any).id ?? endpoint);

    // 1. segment enter → outbox rows.
    phase = 'enter';
    const webhookRule = await createRule(strapi, 'bench: segment enter → webhook', {
      trigger: { type: 'event', event: 'segment.enter', filters: { segmentId: SEG_WEBHOOK } },
      conditions: null,
      steps: [{ kind: 'action', action: { type: 'webhook', endpointId } }],
      guard,
    });
    rules.push(webhookRule);
    refreshRules();
    const enterIds = ids.slice(0, ENTER);
    const loadBefore = load();
    let started = Date.now();
    await writeRun(knex, SEG_WEBHOOK, enterIds);
    // The app's own inbox loop (every second) picks the run up; this waits for it to finish.
    await strapi.plugin('client-insights').service('automationTriggers').drainInbox();
    while ((await countOutbox(knex, webhookRule)) < enterIds.length && Date.now() - started < 600_000) await sleep(100);
    const enterMs = Date.now() - started;
    const written = await countOutbox(knex, webhookRule);
    result.segmentEnter = {
      customers: enterIds.length,
      outboxRows: written,
      ms: enterMs,
      rowsPerSecond: Math.round((written * 1000) / enterMs),
      targetMs: 10_000,
      load: loadBefore,
      loadAfter: load(),
    };
    console.log(
      `segment enter of ${enterIds.length}: ${written} outbox rows in ${fmt(enterMs)} (${Math.round((written * 1000) / enterMs)}/s); load ${load().join(' ')}`
    );

    // 1b. The same run for a rule with conditions (customer, metrics and event reads), decided in
    // SQL; then for the same rule with a 1% holdout, which decides customer by customer (the JS
    // evaluator over each one's facts), as every rule with conditions did before. Timed from the
    // run's commit until every entering customer has an occurrence; the outbox rows are checked
    // against the customers the conditions select, then cancelled (the worker must not send them).
    const conditions = {
      and: [
        { in: ['5', { var: 'customer.name' }] },
        { '!': { '>': [{ var: 'metrics.overdue_amount' }, 0] } },
        { '==': [{ event_count: ['email_click', 30] }, 0] },
      ],
    };
    const passing = Number((await knex.raw(`select count(*) as n from customers where id = any(?::int[]) and name like '%5%'`, [enterIds])).rows[0].n);
    const decideRun = async (segmentId: number, label: string, holdoutPercent: number) => {
      phase = `enter-conditions-${holdoutPercent ? 'per-customer' : 'sql'}`;
      const doc = await createRule(strapi, `bench: segment enter with conditions (${label})`, {
        trigger: { type: 'event', event: 'segment.enter', filters: { segmentId } },
        conditions,
        steps: [{ kind: 'action', action: { type: 'webhook', endpointId } }],
        guard: { ...guard, holdoutPercent },
      });
      rules.push(doc);
      refreshRules();
      const loadAt = load();
      const t0 = Date.now();
      await writeRun(knex, segmentId, enterIds);
      await strapi.plugin('client-insights').service('automationTriggers').drainInbox();
      const decided = async () => Number((await knex('ci_automation_occurrences').where('rule_doc', doc).count({ n: '*' }).first())?.n ?? 0);
      while ((await decided()) < enterIds.length && Date.now() - t0 < 900_000) await sleep(100);
      const ms = Date.now() - t0;
      const outboxRows = await countOutbox(knex, doc);
      await knex('ci_automation_outbox').where({ rule_doc: doc, status: 'pending' }).update({ status: 'cancelled' });
      return { ms, decided: await decided(), outboxRows, load: loadAt };
    };
    const inSql = await decideRun(SEG_COND_SQL, 'SQL', 0);
    const perCustomer = await decideRun(SEG_COND_JS, 'per customer', 1);
    result.segmentEnterConditions = {
      customers: enterIds.length,
      passingConditions: passing,
      sql: inSql,
      perCustomer,
      // The SQL path sends every passing customer; the per-customer one holds 1% back.
      equal: inSql.outboxRows === passing && perCustomer.outboxRows <= passing,
      ratio: perCustomer.ms / inSql.ms,
    };
    console.log(
      `segment enter of ${enterIds.length} with conditions (${passing} pass): decided in SQL in ${fmt(inSql.ms)} (${inSql.outboxRows} outbox rows), per customer in ${fmt(perCustomer.ms)} (${perCustomer.outboxRows}, 1% held out): ${(perCustomer.ms / inSql.ms).toFixed(1)}×; load ${load().join(' ')}`
    );

    // 2. webhook delivery.
    phase = 'webhook';
    await sinks.reset();
    const webhookLoad = load();
    const webhook = await withWorker(strapi, () => drainWindow(async () => (await sinks.report()).webhooks.distinct, written, DELIVERY_S));
    const webhookSeen = (await sinks.report()).webhooks;
    result.webhook = {
      ...webhook,
      received: webhookSeen.received,
      duplicates: webhookSeen.duplicates,
      targetPerSecond: 1000,
      load: webhookLoad,
      loadAfter: load(),
    };
    console.log(
      `webhook: ${webhook.delivered} delivered in ${webhook.seconds.toFixed(1)} s = ${webhook.perSecond.toFixed(0)}/s (slowest 5 s: ${webhook.slowest5sPerSecond?.toFixed(0) ?? 'n/a'}/s), duplicates ${webhookSeen.duplicates}; load ${load().join(' ')}`
    );
    await knex('ci_automation_outbox').where({ rule_doc: webhookRule, status: 'pending' }).update({ status: 'cancelled' });

    // 3. email.
    phase = 'email';
    const emailIds = ids.slice(0, EMAILS);
    const granted = new Set((await knex('ci_customer_consent').where({ channel: 'email' }).whereIn('customer_id', emailIds).pluck('customer_id')).map(Number));
    const missing = emailIds.filter((id) => !granted.has(id));
    for (let i = 0; i < missing.length; i += 1000)
      await knex('ci_customer_consent').insert(
        missing.slice(i, i + 1000).map((id) => ({ customer_id: id, channel: 'email', granted: true, source: 'bench', changed_at: new Date() }))
      );
    consentAdded.push(...missing);
    const emailRule = await createRule(strapi, 'bench: segment enter → email', {
      trigger: { type: 'event', event: 'segment.enter', filters: { segmentId: SEG_EMAIL } },
      conditions: null,
      steps: [
        {
          kind: 'action',
          action: {
            type: 'email',
            subject: { en: 'Hello {{customer.name}}' },
            body: { en: 'Dear {{customer.name}},\n\nyour materials: https://example.com/m' },
          },
        },
      ],
      guard,
    });
    rules.push(emailRule);
    refreshRules();
    await writeRun(knex, SEG_EMAIL, emailIds);
    await strapi.plugin('client-insights').service('automationTriggers').drainInbox();
    await sinks.reset();
    const emailLoad = load();
    const email = await withWorker(strapi, () => drainWindow(async () => (await sinks.report()).mails.distinct, emailIds.length, EMAIL_S));
    const mailsSeen = (await sinks.report()).mails;
    const emailStatuses = await knex('ci_automation_logs')
      .where({ rule_doc: emailRule })
      .groupBy('status', 'reason')
      .select('status', 'reason')
      .count({ n: '*' });
    result.email = {
      ...email,
      received: mailsSeen.received,
      duplicates: mailsSeen.duplicates,
      targetPerSecond: 300,
      logs: emailStatuses,
      load: emailLoad,
      loadAfter: load(),
    };
    console.log(
      `email: ${email.delivered} delivered in ${email.seconds.toFixed(1)} s = ${email.perSecond.toFixed(0)}/s (slowest 5 s: ${email.slowest5sPerSecond?.toFixed(0) ?? 'n/a'}/s), duplicates ${mailsSeen.duplicates}; load ${load().join(' ')}`
    );
    await knex('ci_automation_outbox').where({ rule_doc: emailRule, status: 'pending' }).update({ status: 'cancelled' });
    // One pooled connection to the sink, mails one after another: the app's transport socket
    // (Nagle's algorithm off, src/email/smtp-socket.ts) against nodemailer's own.
    const perMail = async (getSocket?: typeof noDelaySocket) => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: sinks.smtpPort,
        pool: true,
        maxConnections: 1,
        ignoreTLS: true,
        getSocket,
      } as any);
      const send = (n: number) => transport.sendMail({ from: 'bench@client-insights.invalid', to: 'c@bench.invalid', subject: `nagle ${n}`, text: 'x' });
      await send(0);
      const started = performance.now();
      for (let n = 1; n <= SMTP_SEQUENTIAL; n += 1) await send(n);
      transport.close();
      return (performance.now() - started) / SMTP_SEQUENTIAL;
    };
    const [appSocketMs, defaultSocketMs] = [await perMail(noDelaySocket), await perMail()];
    result.smtpConnection = {
      mails: SMTP_SEQUENTIAL,
      appSocketMsPerMail: appSocketMs,
      nodemailerSocketMsPerMail: defaultSocketMs,
      ratio: defaultSocketMs / appSocketMs,
      load: load(),
    };
    console.log(
      `one SMTP connection, ${SMTP_SEQUENTIAL} mails in a row: ${appSocketMs.toFixed(1)} ms per mail with the app's socket, ${defaultSocketMs.toFixed(1)} ms with nodemailer's (${(defaultSocketMs / appSocketMs).toFixed(1)}×)`
    );

    // 4. event → action latency under a steady rate.
    phase = 'latency';
    const eventRule = await createRule(strapi, 'bench: website visit → webhook', {
      trigger: { type: 'event', event: 'interaction.website_visit', filters: { channel: 'bench' } },
      conditions: null,
      steps: [{ kind: 'action', action: { type: 'webhook', endpointId } }],
      guard,
    });
    rules.push(eventRule);
    refreshRules();
    await sinks.reset();
    const latencyLoad = load();
    const sent = await withWorker(strapi, async () => {
      let n = 0;
      const startAt = Date.now();
      const stopAt = startAt + LATENCY_S * 1000;
      while (Date.now() < stopAt) {
        // On schedule, not after the previous write: a slow write does not lower the rate.
        const due = startAt + (n * 1000) / EVENTS_PER_S;
        if (due > Date.now()) await sleep(due - Date.now());
        const customerId = ids[(n * 7919) % ids.length];
        const sentAt = Date.now();
        await knex.transaction((trx) =>
          inboxModule().recordEvents(trx as any, [
            {
              event: 'interaction.website_visit',
              customerId,
              ref: `bench-${sentAt}-${n}`,
              payload: { type: 'website_visit', channel: 'bench', sentAt },
              occurredAt: new Date(sentAt),
            },
          ])
        );
        n += 1;
      }
      const until = Date.now() + 15_000;
      while ((await sinks.report()).webhooks.distinct < n && Date.now() < until) await sleep(200);
      return n;
    });
    const latencies = (await sinks.report()).webhooks;
    result.latency = {
      eventsPerSecond: EVENTS_PER_S,
      seconds: LATENCY_S,
      sent,
      delivered: latencies.distinct,
      duplicates: latencies.duplicates,
      p50Ms: latencies.latenciesMs.length ? median(latencies.latenciesMs) : null,
      p95Ms: latencies.latenciesMs.length ? p95(latencies.latenciesMs) : null,
      maxMs: latencies.latenciesMs.length ? Math.max(...latencies.latenciesMs) : null,
      targetP95Ms: 2000,
      load: latencyLoad,
      loadAfter: load(),
    };
    console.log(
      `event → action at ${EVENTS_PER_S}/s for ${LATENCY_S} s: ${latencies.distinct}/${sent} delivered, p50 ${fmt((result.latency as any).p50Ms)}, p95 ${fmt((result.latency as any).p95Ms)}, max ${fmt((result.latency as any).maxMs)}; load ${load().join(' ')}`
    );

    // 5. the naive alternative: a cron pass re-querying every rule against every customer.
    phase = 'naive';
    const naiveRules = [
      { '>=': [{ event_count: ['website_visit', 1] }, 1] },
      { '>=': [{ var: 'metrics.total_spent' }, 0] },
      { '==': [{ var: 'customer.stage' }, 'consultation'] },
    ].map((r) => evaluateModule().compileEvaluator(r));
    // The seeded customers (their facts are real), not the scratch ones.
    const sample = naiveIds;
    const now = new Date();
    const naiveLoad = load();
    started = Date.now();
    let matched = 0;
    for (let i = 0; i < sample.length; i += 1000) {
      const page = sample.slice(i, i + 1000);
      const facts = await factsModule().loadFactsMany(knex, page, { now });
      for (const [index, evaluate] of naiveRules.entries()) {
        const hits = page.filter((id) => facts.has(id) && evaluate(facts.get(id)!, { now }));
        // Who already fired: the diff a cron must make to act on new matches only.
        const fired = new Set(
          (
            await knex('ci_automation_occurrences')
              .where('rule_doc', rules[index % rules.length])
              .whereIn('customer_id', hits)
              .pluck('customer_id')
          ).map(Number)
        );
        matched += hits.filter((id) => !fired.has(id)).length;
      }
    }
    const sampleMs = Date.now() - started;
    const passMs = (sampleMs * total) / sample.length;
    const enter = result.segmentEnter as { ms: number };
    const latency = result.latency as { p95Ms: number | null };
    result.naive = {
      rules: naiveRules.length,
      customersMeasured: sample.length,
      measuredMs: sampleMs,
      passMsAllCustomers: Math.round(passMs),
      newMatchesInSample: matched,
      // The segment enter case: one cron pass over every customer vs the event path writing the 100,000 rows.
      ratioToSegmentEnter: Number((passMs / enter.ms).toFixed(2)),
      // A cron cannot act faster than one pass: its best latency against the event path's p95.
      ratioToEventP95: latency.p95Ms ? Number((passMs / latency.p95Ms).toFixed(1)) : null,
      load: naiveLoad,
    };
    console.log(
      `naive cron: ${naiveRules.length} rules × ${sample.length} customers in ${fmt(sampleMs)}, a pass over ${total} ≈ ${fmt(passMs)}: ${(result.naive as any).ratioToSegmentEnter}× the segment enter, ${(result.naive as any).ratioToEventP95}× the event p95; load ${load().join(' ')}`
    );
  } finally {
    phase = 'cleanup';
    clearInterval(sampler);
    result.rss = {
      peakMb: Math.round(peakRss / 1048576),
      byPhaseMb: Object.fromEntries(Object.entries(phasePeak).map(([k, v]) => [k, Math.round(v / 1048576)])),
      heapUsedByPhaseMb: Object.fromEntries(Object.entries(heapPeak).map(([k, v]) => [k, Math.round(v / 1048576)])),
      targetMb: 500,
    };
    console.log(
      `Node RSS peak ${Math.round(peakRss / 1048576)} MB (${JSON.stringify((result.rss as any).byPhaseMb)}); V8 heap in use at most ${JSON.stringify((result.rss as any).heapUsedByPhaseMb)}`
    );
    await workerModule().stopWorker(strapi);
    for (const rule of rules) {
      // email_sent interactions the run recorded (their link rows go with them).
      const interactionIds = (await knex('interactions').whereRaw(`properties::jsonb ->> 'rule' = ?`, [rule]).pluck('id')).map(Number);
      for (let i = 0; i < interactionIds.length; i += 1000) {
        const page = interactionIds.slice(i, i + 1000);
        await knex('interactions_customer_lnk').whereIn('interaction_id', page).delete();
        await knex('interactions').whereIn('id', page).delete();
      }
      for (const table of ['ci_automation_outbox', 'ci_automation_logs', 'ci_automation_occurrences', 'ci_automation_versions'])
        await knex(table).where({ rule_doc: rule }).delete();
      await knex('automation_rules').where({ document_id: rule }).delete();
    }
    await knex('ci_automation_inbox').whereRaw(`ref like 'bench-%'`).delete();
    await knex('ci_segment_events').whereIn('segment_id', [SEG_WEBHOOK, SEG_EMAIL, SEG_COND_SQL, SEG_COND_JS]).delete();
    await dropScratchCustomers(knex);
    // Booting under another encryption key than the seeding's starts a re-encryption job that fails
    // (it cannot read the seeded values, and changes nothing): its row goes too.
    await knex('ci_jobs').where('created_at', '>=', bootAt).where({ kind: 'fields.reencrypt', status: 'failed' }).delete();
    for (let i = 0; i < consentAdded.length; i += 1000)
      await knex('ci_customer_consent')
        .where({ channel: 'email', source: 'bench' })
        .whereIn('customer_id', consentAdded.slice(i, i + 1000))
        .delete();
    if (endpointId) await knex('ci_automation_endpoints').where({ id: endpointId }).delete();
    await strapi.destroy();
    sinks.stop();
  }
  const file = path.join(__dirname, 'results', 'automation.json');
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  existing[database] = result;
  fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
  console.log(`written ${path.relative(ROOT, file)}`);
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
