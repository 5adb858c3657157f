import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { webhookEndpointsOf, type AutomationDefinition, type Step } from '../../../../../shared/contracts/automation-definition';
import type { CreateEndpointBody, UpdateEndpointBody, WebhookEndpoint, WebhookEndpointWithSecret } from '../../../../../shared/contracts/automation-endpoints';
import { bindDate, readDate } from '../../../core/db/dialect';
import { HOST_TABLES, TABLES } from '../../../core/db/tables';
import { ApiError } from '../../../core/http/errors';
import { decryptText, encryptText } from '../../../core/security/field-crypto';
import { storedJson } from '../../../core/security/stored-json';
import { circuitState } from './circuit';

/**
 * Webhook endpoints (ci_automation_endpoints): where webhook actions post and the secret they
 * sign with. The secret is generated here (24 random bytes, `whsec_` + base64, the Standard
 * Webhooks form), stored encrypted and answered only by create and rotate.
 */

export const newSecret = () => `whsec_${crypto.randomBytes(24).toString('base64')}`;

const iso = (value: unknown) => readDate(value)?.toISOString() ?? null;

const toEndpoint = (row: any, now = new Date()): WebhookEndpoint => {
  const openUntil = readDate(row.open_until);
  return {
    id: Number(row.id),
    name: row.name,
    url: row.url,
    enabled: Boolean(row.enabled),
    circuit: circuitState(openUntil, now),
    consecutiveFailures: Number(row.consecutive_failures),
    openUntil: openUntil?.toISOString() ?? null,
    createdBy: row.created_by === null ? null : Number(row.created_by),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
  };
};

/** What the webhook action needs: the URL, the secret in clear (never answered by a route) and the circuit's state. */
export type EndpointForDelivery = { id: number; name: string; url: string; secret: string; enabled: boolean; failures: number; openUntil: Date | null };

export const loadEndpointForDelivery = async (knex: Knex, id: number): Promise<EndpointForDelivery | null> => {
  const row = await knex(TABLES.automationEndpoints).where({ id }).first('id', 'name', 'url', 'secret', 'enabled', 'consecutive_failures', 'open_until');
  if (!row) return null;
  return {
    id: Number(row.id),
    name: row.name,
    url: row.url,
    secret: decryptText(row.secret),
    enabled: Boolean(row.enabled),
    failures: Number(row.consecutive_failures),
    openUntil: readDate(row.open_until),
  };
};

/** Names of the rules whose steps (as last saved, or in the running version) have a webhook step to endpoint `id`. */
const rulesPostingTo = async (knex: Knex, id: number): Promise<string[]> => {
  const rows = await knex(`${HOST_TABLES.automationRules} as r`)
    .leftJoin(`${TABLES.automationVersions} as v`, (j) => j.on('v.rule_doc', 'r.document_id').andOn('v.version', 'r.running_version'))
    .select('r.name', 'r.actions', 'v.definition');
  const posts = (steps: unknown) => Array.isArray(steps) && webhookEndpointsOf(steps as Step[]).includes(id);
  const posting = rows.filter((r: any) => posts(storedJson(r.actions)) || posts((storedJson(r.definition) as AutomationDefinition | null)?.steps));
  return [...new Set(posting.map((r: any) => String(r.name)))].sort();
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const table = () => knex()(TABLES.automationEndpoints);
  const byId = async (id: number) => {
    const row = await table().where({ id }).first();
    if (!row) throw ApiError.notFound('webhook endpoint not found');
    return row;
  };
  return {
    async list(): Promise<WebhookEndpoint[]> {
      const rows = await table().orderBy('id');
      const now = new Date();
      return rows.map((row: any) => toEndpoint(row, now));
    },

    async create(body: CreateEndpointBody, userId: number | null): Promise<WebhookEndpointWithSecret> {
      const secret = newSecret();
      const now = bindDate(knex(), new Date());
      const [inserted] = await table().insert(
        { name: body.name, url: body.url, enabled: body.enabled, secret: encryptText(secret), created_by: userId, created_at: now, updated_at: now },
        ['id']
      );
      const id = typeof inserted === 'object' ? Number(inserted.id) : Number(inserted);
      return { ...toEndpoint(await byId(id)), secret };
    },

    async update(id: number, body: UpdateEndpointBody): Promise<WebhookEndpoint> {
      await byId(id);
      await table()
        .where({ id })
        .update({ ...body, updated_at: bindDate(knex(), new Date()) });
      return toEndpoint(await byId(id));
    },

    /** Refused (409, naming them) while a rule posts to it: its webhook steps would all dead-letter. */
    async remove(id: number): Promise<{ id: number }> {
      await byId(id);
      const users = await rulesPostingTo(knex(), id);
      if (users.length)
        throw ApiError.conflict(`webhook endpoint is used by ${users.map((name) => `"${name}"`).join(', ')}: point their webhook steps elsewhere first`);
      await table().where({ id }).delete();
      return { id };
    },

    async rotateSecret(id: number): Promise<WebhookEndpointWithSecret> {
      await byId(id);
      const secret = newSecret();
      await table()
        .where({ id })
        .update({ secret: encryptText(secret), updated_at: bindDate(knex(), new Date()) });
      return { ...toEndpoint(await byId(id)), secret };
    },
  };
};
