import type { Core } from '@strapi/strapi';
import type {
  AutomationRule,
  AutomationRuleDetail,
  AutomationTestResult,
  CreateRuleInput,
  LogListQuery,
  TestRuleInput,
  UpdateRuleInput,
} from '../../../../shared/contracts/automation';
import { automationDefinitionSchema, type AutomationDefinition } from '../../../../shared/contracts/automation-definition';
import { viewerActor, type AuditActor } from '../../core/audit/log';
import { UID } from '../../core/constants';
import { hostTables, TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import type { Viewer } from '../../core/http/viewer';
import { getService } from '../../get-service';
import type { Approver } from '../approvals/service';
import type { ApprovalRecord } from '../approvals/record';
import { automationCatalogue } from './catalogue';
import { retryDead } from './engine/retry';
import { forecast } from './engine/forecast';
import { sendTestEmails, testRule } from './engine/test-mode';
import { nudgeWorker } from './engine/worker';
import { cancelWaitingSteps, latestVersion, move, MOVES, sameDefinition, writeVersion } from './lifecycle';
import { listLogs, ruleFigures } from './metrics';
import { assessRisk } from './risk';
import { asLifecycle, checkDefinition, definitionFields, storedDefinition } from './write-check';

const userOf = (viewer: Viewer) => (viewer.kind === 'admin' ? viewer.userId : null);
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/** Rules, their lifecycle, test mode and the reading side of their logs. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const rules = () => strapi.db.query(UID.automationRule as any);

  const load = async (ruleDoc: string) => {
    const row = await rules().findOne({ where: { documentId: ruleDoc } });
    if (!row) throw ApiError.notFound(`automation rule ${ruleDoc} not found`);
    return row as Record<string, any>;
  };

  /** The stored definition, checked as a write would be; 409 naming the problems when it no longer passes. */
  const validStored = async (row: Record<string, any>) => {
    const checked = await checkDefinition(strapi, storedDefinition(row));
    if (!checked.ok) throw ApiError.conflict(`the stored definition is not valid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return checked.definition;
  };

  const latestVersions = async (docs: string[]) => {
    if (!docs.length) return new Map<string, number>();
    const rows = await knex()(TABLES.automationVersions).whereIn('rule_doc', docs).groupBy('rule_doc').select('rule_doc').max({ v: 'version' });
    return new Map(rows.map((r: any) => [r.rule_doc as string, Number(r.v)]));
  };

  const toRule = (row: Record<string, any>, latest: number | null): AutomationRule => {
    // As the engine would read it (defaults filled); what is stored when it no longer parses.
    const stored = storedDefinition(row);
    const parsed = automationDefinitionSchema.safeParse(stored);
    return {
      id: Number(row.id),
      documentId: row.documentId,
      name: row.name,
      status: row.rule_status,
      definition: parsed.success ? parsed.data : stored,
      runningVersion: row.running_version === null || row.running_version === undefined ? null : Number(row.running_version),
      latestVersion: latest,
      lastRunAt: iso(row.last_run_at),
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    };
  };

  const detail = async (ruleDoc: string): Promise<AutomationRuleDetail> => {
    const row = await load(ruleDoc);
    const checked = await checkDefinition(strapi, storedDefinition(row));
    const latest = (await latestVersions([ruleDoc])).get(ruleDoc) ?? null;
    return { ...toRule(row, latest), risk: checked.ok ? await assessRisk(strapi, checked.definition) : null };
  };

  const answer = async (ruleDoc: string, meta: { approval?: unknown; version?: number | null } = {}) => ({
    data: await detail(ruleDoc),
    meta: { approval: (meta.approval ?? null) as any, version: meta.version ?? null },
  });

  /** A request for another user's approval of the rule as it is stored now (what the approver sees is what runs). */
  const requestApproval = async (requester: Approver, row: Record<string, any>, definition: AutomationDefinition, reason: string) => {
    const risk = await assessRisk(strapi, definition);
    return getService(strapi, 'approvals').request(
      requester,
      'automation',
      { ruleDoc: row.documentId, name: row.name, definition, highRisk: risk.highRisk, reasons: risk.reasons },
      reason,
      {
        rows: risk.reachEstimate,
        fields: [],
        sensitiveFields: [],
        recipients: risk.reachEstimate,
        rowLimit: risk.reasons.includes('reach') ? risk.reachLimit : null,
      }
    );
  };

  /** Activates `definition`: the latest version again when unchanged, else a new version. */
  const activateNow = async (
    row: Record<string, any>,
    from: readonly any[],
    to: 'active',
    definition: AutomationDefinition,
    highRisk: boolean,
    actor: AuditActor,
    createdBy: number | null,
    approvedBy: number | null
  ) => {
    const latest = await latestVersion(knex(), row.documentId);
    return strapi.db.transaction(async ({ trx }) => {
      const version =
        latest && sameDefinition(latest.definition, definition) && (!highRisk || latest.approvedBy !== null)
          ? latest.version
          : await writeVersion(trx, row.documentId, definition, { highRisk, createdBy, approvedBy });
      await move(strapi, trx, { ruleDoc: row.documentId, from, to, runningVersion: version, actor, details: { version, highRisk } });
      return version;
    });
  };

  const activation = async (viewer: Viewer, ruleDoc: string, from: readonly any[], tokenId: number | null) => {
    const row = await load(ruleDoc);
    if (!from.includes(row.rule_status)) throw ApiError.conflict(`automation rule ${ruleDoc} is ${row.rule_status}: this needs it ${from.join(' or ')}`);
    const definition = await validStored(row);
    const risk = await assessRisk(strapi, definition);
    const latest = await latestVersion(knex(), ruleDoc);
    const approvedBefore = latest && latest.approvedBy !== null && sameDefinition(latest.definition, definition);
    if (risk.highRisk && !approvedBefore) {
      throw new ApiError(
        409,
        `automation rule ${ruleDoc} is high-risk (${risk.reasons.join(', ')}): another user holding "Approve automation" must approve it; submit it for approval`,
        [],
        'ApprovalRequiredError'
      );
    }
    const version = await activateNow(
      row,
      from,
      'active',
      definition,
      risk.highRisk,
      viewerActor(viewer, tokenId),
      userOf(viewer),
      approvedBefore ? latest!.approvedBy : null
    );
    return answer(ruleDoc, { version });
  };

  return {
    catalogue: automationCatalogue,

    async list(query: { status?: string; page: number; pageSize: number }) {
      const where = query.status ? { rule_status: query.status } : {};
      const [rows, total] = await Promise.all([
        rules().findMany({ where, orderBy: { id: 'desc' }, offset: (query.page - 1) * query.pageSize, limit: query.pageSize }),
        rules().count({ where }),
      ]);
      const latest = await latestVersions(rows.map((r: any) => r.documentId));
      const { page, pageSize } = query;
      return {
        data: rows.map((r: any) => toRule(r, latest.get(r.documentId) ?? null)),
        meta: { pagination: { page, pageSize, pageCount: Math.ceil(Number(total) / pageSize), total: Number(total) } },
      };
    },

    get: (ruleDoc: string) => detail(ruleDoc),

    async create(input: CreateRuleInput) {
      const { name, ...rest } = input;
      const checked = await checkDefinition(strapi, rest);
      if (!checked.ok) throw ApiError.invalid(checked.errors);
      const created = await asLifecycle(() =>
        strapi.documents(UID.automationRule as any).create({ data: { name, rule_status: 'draft', ...definitionFields(checked.definition) } as any })
      );
      return detail((created as any).documentId);
    },

    /**
     * Changes a rule. Draft, paused and pending rules just change (a pending one's request no longer
     * matches: it fails when approved; submit again). An active rule keeps running: a low-risk
     * change becomes a new version at once; a high-risk one sends it back to pending_approval,
     * running its previous version until the new one is approved (asked for here, for an admin).
     */
    async update(viewer: Viewer, ruleDoc: string, input: UpdateRuleInput, requester: Approver | null, tokenId: number | null) {
      const row = await load(ruleDoc);
      const { name, ...changes } = input;
      const merged = { ...storedDefinition(row), ...changes };
      const checked = await checkDefinition(strapi, merged);
      if (!checked.ok) throw ApiError.invalid(checked.errors);
      const definition = checked.definition;
      const stored = await checkDefinition(strapi, storedDefinition(row));
      const changed = !stored.ok || !sameDefinition(stored.definition, definition);
      const data = { ...(name !== undefined ? { name } : {}), ...(changed ? definitionFields(definition) : {}) };
      const write = () => asLifecycle(() => strapi.documents(UID.automationRule as any).update({ documentId: ruleDoc, data: data as any }));
      if (row.rule_status !== 'active' || !changed) {
        if (Object.keys(data).length) await write();
        return answer(ruleDoc);
      }
      const risk = await assessRisk(strapi, definition);
      const actor = viewerActor(viewer, tokenId);
      if (!risk.highRisk) {
        const version = await strapi.db.transaction(async ({ trx }) => {
          await write();
          const v = await writeVersion(trx, ruleDoc, definition, { highRisk: false, createdBy: userOf(viewer), approvedBy: null });
          await move(strapi, trx, { ruleDoc, from: MOVES.edit, to: 'active', runningVersion: v, actor, details: { version: v, edited: true } });
          return v;
        });
        return answer(ruleDoc, { version });
      }
      await strapi.db.transaction(async ({ trx }) => {
        await write();
        await move(strapi, trx, { ruleDoc, from: MOVES.edit, to: 'pending_approval', actor, details: { edited: true, reasons: risk.reasons } });
      });
      const approval = requester ? await requestApproval(requester, { ...row, ...data }, definition, 'edited while active (high-risk change)') : null;
      return answer(ruleDoc, { approval });
    },

    /** Deletes a rule; its steps still waiting in the outbox are cancelled in the same transaction. */
    async remove(ruleDoc: string) {
      const row = await load(ruleDoc);
      const latest = (await latestVersions([ruleDoc])).get(ruleDoc) ?? null;
      const cancelled = await strapi.db.transaction(async ({ trx }) => {
        const n = await cancelWaitingSteps(trx, ruleDoc);
        await asLifecycle(() => strapi.documents(UID.automationRule as any).delete({ documentId: ruleDoc }));
        return n;
      });
      return { ...toRule(row, latest), cancelledSteps: cancelled };
    },

    activate: (viewer: Viewer, ruleDoc: string, tokenId: number | null = null) => activation(viewer, ruleDoc, MOVES.activate, tokenId),
    resume: (viewer: Viewer, ruleDoc: string) => activation(viewer, ruleDoc, MOVES.resume, null),

    async pause(viewer: Viewer, ruleDoc: string, tokenId: number | null = null) {
      await load(ruleDoc);
      await strapi.db.transaction(({ trx }) =>
        move(strapi, trx, { ruleDoc, from: MOVES.pause, to: 'paused', runningVersion: null, actor: viewerActor(viewer, tokenId) })
      );
      return answer(ruleDoc);
    },

    /** Asks another user's approval of the rule as stored; it waits in pending_approval (a running version keeps running). */
    async submit(requester: Approver, ruleDoc: string, reason: string) {
      const row = await load(ruleDoc);
      if (!(MOVES.submit as readonly string[]).includes(row.rule_status))
        throw ApiError.conflict(`automation rule ${ruleDoc} is ${row.rule_status}: this needs it ${MOVES.submit.join(' or ')}`);
      const definition = await validStored(row);
      if (row.rule_status !== 'pending_approval') {
        await strapi.db.transaction(({ trx }) =>
          move(strapi, trx, { ruleDoc, from: MOVES.submit, to: 'pending_approval', actor: { type: 'admin', id: requester.userId } })
        );
      }
      return answer(ruleDoc, { approval: await requestApproval(requester, row, definition, reason) });
    },

    /**
     * The approvals executor: activates exactly the definition that was approved, as a version
     * approved by the decider. Refused (the request fails) when the rule changed since.
     */
    async activateApproved(approval: ApprovalRecord) {
      const payload = approval.payload as { ruleDoc: string; definition: AutomationDefinition; highRisk: boolean };
      const row = await load(payload.ruleDoc);
      if (row.rule_status !== 'pending_approval')
        throw ApiError.conflict(`automation rule ${payload.ruleDoc} is ${row.rule_status}, no longer awaiting approval`);
      const current = await validStored(row);
      if (!sameDefinition(current, payload.definition))
        throw ApiError.conflict(`automation rule ${payload.ruleDoc} was edited after it was submitted: submit it again`);
      const version = await strapi.db.transaction(async ({ trx }) => {
        const v = await writeVersion(trx, payload.ruleDoc, payload.definition, {
          highRisk: payload.highRisk,
          createdBy: approval.requestedBy,
          approvedBy: approval.decidedBy,
        });
        await move(strapi, trx, {
          ruleDoc: payload.ruleDoc,
          from: MOVES.approve,
          to: 'active',
          runningVersion: v,
          actor: { type: 'admin', id: approval.decidedBy! },
          details: { version: v, approval: approval.id },
        });
        return v;
      });
      return { jobId: null, version };
    },

    async test(ruleDoc: string, input: TestRuleInput): Promise<AutomationTestResult> {
      const row = await load(ruleDoc);
      const customer = await knex()(hostTables(strapi).customers).where({ id: input.customerId }).first('id');
      if (!customer) throw ApiError.invalid([{ path: '/customerId', message: `no customer has id ${input.customerId}` }]);
      const definition = await validStored(row);
      // The rule as stored now (a draft's definition too), under the version it runs or would run as.
      const version = row.running_version ?? (await latestVersions([ruleDoc])).get(ruleDoc) ?? 0;
      const now = input.now ? new Date(input.now) : new Date();
      return testRule({ strapi, ruleDoc, version: Number(version), name: String(row.name ?? ''), definition, customerId: input.customerId, now });
    },

    /** Who the rule would reach today over a segment, and how many its guard rails would hold back (estimates in SQL). */
    async forecast(ruleDoc: string, input: { segmentId?: number }) {
      const definition = await validStored(await load(ruleDoc));
      if (input.segmentId !== undefined && !(await knex()(hostTables(strapi).segments).where({ id: input.segmentId }).first('id')))
        throw ApiError.invalid([{ path: '/segmentId', message: `no segment has id ${input.segmentId}` }]);
      return forecast(strapi, definition, { segmentId: input.segmentId, ruleDoc });
    },

    /** "Send a test to me": the rule's emails with this customer's data, to the calling admin's own address only. */
    async sendTest(viewer: Viewer, ruleDoc: string, input: { customerId: number }) {
      if (viewer.kind !== 'admin') throw ApiError.forbidden('a test is sent to an admin user: sign in to the admin to send one to yourself');
      const row = await load(ruleDoc);
      const definition = await validStored(row);
      const me = await strapi.db.query('admin::user').findOne({ where: { id: viewer.userId }, select: ['email'] });
      if (!me?.email) throw ApiError.conflict('your admin user has no email address to send the test to');
      const version = Number(row.running_version ?? (await latestVersions([ruleDoc])).get(ruleDoc) ?? 0);
      const emails = await sendTestEmails(strapi, {
        ruleDoc,
        version,
        name: String(row.name ?? ''),
        definition,
        customerId: input.customerId,
        to: { userId: viewer.userId, email: me.email },
      });
      if (emails === null) throw ApiError.invalid([{ path: '/customerId', message: `no customer has id ${input.customerId}` }]);
      if (!emails.length) throw ApiError.conflict('the rule sends no email: there is nothing to send a test of');
      return { to: String(me.email), emails };
    },

    /** A dead-lettered step back in the queue (by hand, from the logs): 404 unknown, 409 when it is not dead. */
    async retryDeadLetter(idemKey: string) {
      const row = await knex()(TABLES.automationOutbox).where({ idem_key: idemKey }).first('id', 'status');
      if (!row) throw ApiError.notFound(`no automation step has the idempotency key ${idemKey}`);
      if (!(await retryDead(knex(), Number(row.id)))) throw ApiError.conflict(`the step is ${row.status}, not dead: only a dead-lettered step is retried`);
      nudgeWorker(strapi);
      return { idemKey, retried: true as const };
    },

    logs: (query: LogListQuery & { page: number; pageSize: number }) => listLogs(knex(), query),

    async figures(ruleDoc: string, query: { from?: string; to?: string }) {
      await load(ruleDoc);
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * 86_400_000);
      return ruleFigures(knex(), ruleDoc, from, to);
    },
  };
};
