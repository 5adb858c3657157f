import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AutomationDefinition } from '../../../../shared/contracts/automation-definition';
import type { AutomationStatus } from '../../../../shared/enums';
import { recordAudit, type AuditActor } from '../../core/audit/log';
import { UID } from '../../core/constants';
import { bindDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { storedJson } from '../../core/security/stored-json';

/**
 * A rule's life: draft → pending_approval → active ⇄ paused. Only these functions set
 * `rule_status` and `running_version` (the write check refuses them on every other path), each
 * move a conditional update from the states it expects, audited with from and to. An activation
 * writes the definition it runs as a new row of ci_automation_versions (previous + 1): running
 * sequences keep the version they started with, and the engine runs a rule's running_version.
 */

/** Which states each move starts from. */
export const MOVES = {
  activate: ['draft', 'paused'],
  resume: ['paused'],
  submit: ['draft', 'paused', 'pending_approval'],
  pause: ['active', 'pending_approval'],
  approve: ['pending_approval'],
  /** An edit of an active rule: a new version at once (low risk), or back to approval (high risk). */
  edit: ['active'],
} as const satisfies Record<string, readonly AutomationStatus[]>;

export type Version = { version: number; definition: unknown; highRisk: boolean; createdBy: number | null; approvedBy: number | null };

export const latestVersion = async (knex: Knex, ruleDoc: string): Promise<Version | null> => {
  const row = await knex(TABLES.automationVersions).where({ rule_doc: ruleDoc }).orderBy('version', 'desc').first();
  if (!row) return null;
  return {
    version: Number(row.version),
    definition: storedJson(row.definition),
    highRisk: Boolean(row.high_risk),
    createdBy: row.created_by === null ? null : Number(row.created_by),
    approvedBy: row.approved_by === null ? null : Number(row.approved_by),
  };
};

/** Whether two definitions are the same (as parsed: defaults filled, key order of the schema). */
export const sameDefinition = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Writes version previous + 1 of the rule (the unique (rule_doc, version) refuses a concurrent twin). */
export const writeVersion = async (
  trx: Knex,
  ruleDoc: string,
  definition: AutomationDefinition,
  v: { highRisk: boolean; createdBy: number | null; approvedBy: number | null }
): Promise<number> => {
  const row = await trx(TABLES.automationVersions).where({ rule_doc: ruleDoc }).max({ v: 'version' }).first();
  const version = Number(row?.v ?? 0) + 1;
  await trx(TABLES.automationVersions).insert({
    rule_doc: ruleDoc,
    version,
    definition: JSON.stringify(definition),
    high_risk: v.highRisk,
    created_by: v.createdBy,
    approved_by: v.approvedBy,
    created_at: bindDate(trx, new Date()),
  });
  return version;
};

export type Move = {
  ruleDoc: string;
  from: readonly AutomationStatus[];
  to: AutomationStatus;
  /** The version the engine runs after the move (undefined: unchanged). */
  runningVersion?: number | null;
  actor: AuditActor;
  /** Why, for the audit entry (the version written, the approval request …). */
  details?: Record<string, unknown>;
};

/**
 * Moves a rule inside the caller's transaction (strapi.db.transaction): 409 when it is no longer in
 * one of `from` (another request moved it first), else the row is updated and the move audited.
 */
export const move = async (strapi: Core.Strapi, trx: Knex, m: Move) => {
  const before = await strapi.db.query(UID.automationRule as any).findOne({ where: { documentId: m.ruleDoc }, select: ['rule_status'] });
  if (!before) throw ApiError.notFound(`automation rule ${m.ruleDoc} not found`);
  const from = before.rule_status as AutomationStatus;
  if (!m.from.includes(from)) throw ApiError.conflict(`automation rule ${m.ruleDoc} is ${from}: this needs it ${m.from.join(' or ')}`);
  const data: Record<string, unknown> = { rule_status: m.to };
  if (m.runningVersion !== undefined) data.running_version = m.runningVersion;
  const { count } = await strapi.db.query(UID.automationRule as any).updateMany({ where: { documentId: m.ruleDoc, rule_status: from }, data });
  if (Number(count) === 0) throw ApiError.conflict(`automation rule ${m.ruleDoc} changed meanwhile: try again`);
  await recordAudit(trx, {
    actor: m.actor,
    action: `automation.${from === m.to ? 'version' : 'transition'}`,
    targetType: 'automation-rules',
    targetId: m.ruleDoc,
    details: { from, to: m.to, ...(m.runningVersion !== undefined ? { runningVersion: m.runningVersion } : {}), ...m.details },
  });
  return { from, to: m.to };
};

/** Cancels a rule's steps still waiting in the outbox; answers how many. */
export const cancelWaitingSteps = async (trx: Knex, ruleDoc: string) =>
  Number(
    await trx(TABLES.automationOutbox)
      .where({ rule_doc: ruleDoc, status: 'pending' })
      .update({ status: 'cancelled', updated_at: bindDate(trx, new Date()) })
  );

/**
 * A rule deleted by any path (the plugin's routes, the content manager, REST, GraphQL): its steps
 * still waiting in the outbox are cancelled in the delete's own transaction (the document
 * service joins the one opened here).
 */
export const cancelStepsOnDelete = (strapi: Core.Strapi) => {
  strapi.documents.use(async (context: any, next: any) => {
    if (context.action !== 'delete' || context.uid !== UID.automationRule || !context.params?.documentId) return next();
    return strapi.db.transaction(async ({ trx }) => {
      await cancelWaitingSteps(trx, context.params.documentId);
      return next();
    });
  });
};
