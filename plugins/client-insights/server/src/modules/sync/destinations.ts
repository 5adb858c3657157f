import type { Knex } from 'knex';
import { DESTINATION_CONFIGS, type CreateDestination, type SyncDestination, type SyncType, type UpdateDestination } from '../../../../shared/contracts/sync';
import { bindDate, readDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { ApiError, prefixed, zodErrors } from '../../core/http/errors';
import { validateCron } from '../../core/jobs/scheduler';
import { decryptText, encryptText } from '../../core/security/field-crypto';
import { newSecret } from '../automation/actions/webhook-endpoints';

/** Daily at 03:00 in the destination's time zone, unless set. */
export const DEFAULT_SYNC_CRON = '0 3 * * *';

/** A destination as a run needs it: its settings and its secret in clear (never answered by a route). */
export type DestinationForRun = SyncDestination & { secret: string | null };

const toDestination = (row: any): SyncDestination => ({
  id: Number(row.id),
  name: row.name,
  type: row.type,
  config: JSON.parse(row.config),
  hasSecret: row.secret !== null && row.secret !== undefined,
  enabled: Boolean(row.enabled),
  cron: row.cron,
  timezone: row.timezone,
  createdAt: readDate(row.created_at)!.toISOString(),
  updatedAt: readDate(row.updated_at)!.toISOString(),
});

const checkCron = (cron: string, timezone: string) => {
  const problem = validateCron(cron, timezone);
  if (problem) throw ApiError.invalid([{ path: problem.includes('time zone') ? '/timezone' : '/cron', message: problem }]);
};

/** An update's `config`, checked against the schema of the destination's type (errors under /config). */
const checkConfig = (type: SyncType, config: unknown) => {
  const parsed = DESTINATION_CONFIGS[type].safeParse(config);
  if (!parsed.success) throw ApiError.invalid(prefixed('/config', zodErrors(parsed.error)));
  return parsed.data;
};

/**
 * Sync destinations (ci_sync_destinations). The warehouse password and the webhook signing secret
 * (generated here, `whsec_…`, answered once by create) are stored encrypted with the field key
 * (core/security/field-crypto.ts); no other answer carries them.
 */
export const destinationStore = (knex: () => Knex) => {
  const table = () => knex()(TABLES.syncDestinations);
  const row = async (id: number) => {
    const found = await table().where({ id }).first();
    if (!found) throw ApiError.notFound(`sync destination ${id} not found`);
    return found;
  };
  return {
    list: async () => (await table().orderBy('id')).map(toDestination),
    get: async (id: number) => toDestination(await row(id)),
    async forRun(id: number): Promise<DestinationForRun> {
      const found = await row(id);
      return { ...toDestination(found), secret: found.secret ? decryptText(found.secret) : null };
    },

    async create(body: CreateDestination, userId: number | null): Promise<SyncDestination & { secret?: string }> {
      const cron = body.cron ?? DEFAULT_SYNC_CRON;
      const timezone = body.timezone ?? 'UTC';
      checkCron(cron, timezone);
      const secret = body.type === 'webhook' ? newSecret() : body.type === 'warehouse' && body.password ? body.password : null;
      const now = bindDate(knex(), new Date());
      const [inserted] = await table().insert(
        {
          name: body.name,
          type: body.type,
          config: JSON.stringify(body.config),
          secret: secret === null ? null : encryptText(secret),
          enabled: body.enabled ?? true,
          cron,
          timezone,
          created_by: userId,
          created_at: now,
          updated_at: now,
        },
        ['id']
      );
      const created = toDestination(await row(typeof inserted === 'object' ? Number(inserted.id) : Number(inserted)));
      return body.type === 'webhook' ? { ...created, secret: secret! } : created;
    },

    async update(id: number, body: UpdateDestination): Promise<SyncDestination> {
      const current = toDestination(await row(id));
      if (body.password !== undefined && current.type !== 'warehouse')
        throw ApiError.invalid([{ path: '/password', message: 'only a warehouse has a password' }]);
      const cron = body.cron ?? current.cron;
      const timezone = body.timezone ?? current.timezone;
      checkCron(cron, timezone);
      const change: Record<string, unknown> = { cron, timezone, updated_at: bindDate(knex(), new Date()) };
      if (body.name !== undefined) change.name = body.name;
      if (body.enabled !== undefined) change.enabled = body.enabled;
      if (body.config !== undefined) change.config = JSON.stringify(checkConfig(current.type, body.config));
      if (body.password !== undefined) change.secret = body.password ? encryptText(body.password) : null;
      await table().where({ id }).update(change);
      return toDestination(await row(id));
    },

    /** Removes the destination and what it was sent (the ledger); its run history stays. */
    async remove(id: number) {
      await row(id);
      await knex().transaction(async (trx) => {
        await trx(TABLES.syncLedger).where({ destination_id: id }).delete();
        await trx(TABLES.syncDestinations).where({ id }).delete();
      });
      return { id };
    },
  };
};
