import type { Core } from '@strapi/strapi';
import type { ApprovalListQuery, ApprovalPreview } from '../../../../shared/contracts/approvals';
import { APPROVAL_KINDS, type ApprovalKind, type ApprovalStatus } from '../../../../shared/enums';
import { ACTIONS, APPROVE_ACTIONS } from '../../../../shared/permissions';
import { recordAudit, type AuditActor } from '../../core/audit/log';
import { bindDate } from '../../core/db/dialect';
import { TABLES } from '../../core/db/tables';
import { ApiError } from '../../core/http/errors';
import { can } from '../../core/http/viewer';
import { getService } from '../../get-service';
import { approvalExpiresHours } from './config';
import { EXECUTORS } from './kinds';
import { auditState, toApproval, toRecord, type ApprovalRecord } from './record';
import { loadRequester, userNames } from './requester';

/** Who acts on approvals: an admin user, the kinds they may approve, and where the request came from (for the audit log). */
export type Approver = { userId: number; approves: ApprovalKind[]; ip: string | null; userAgent: string | null };

/** The caller of an admin route as an Approver. */
export const approverOf = (ctx: any, userId: number): Approver => ({
  userId,
  approves: APPROVAL_KINDS.filter((kind) => can(ctx, APPROVE_ACTIONS[kind])),
  ip: ctx.request?.ip ?? null,
  userAgent: ctx.get?.('user-agent') || null,
});

const EXPIRE_SCHEDULE = 'approvals.expire';
const actionName = (kind: ApprovalKind) => ACTIONS.find((a) => a.uid === APPROVE_ACTIONS[kind])!.displayName;

/**
 * Maker-checker requests (ci_approvals). Every change of state is one conditional update from the
 * state it expects (`where status = 'pending'`), so of two approvers racing only one moves a
 * request and runs its work; the other is answered 409. Each change goes to the audit log with
 * the state before and after; expiry is recorded as the system's.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const now = () => bindDate(knex(), new Date());

  const load = async (id: number): Promise<ApprovalRecord | null> => {
    const row = await knex()(TABLES.approvals).where({ id }).first();
    return row ? toRecord(row) : null;
  };

  const audit = async (actor: AuditActor, action: string, id: number, before: ApprovalRecord | null, after: ApprovalRecord | null, where?: Approver) => {
    try {
      await recordAudit(knex(), {
        actor,
        action: `approval.${action}`,
        targetType: 'approvals',
        targetId: String(id),
        ip: where?.ip ?? null,
        userAgent: where?.userAgent ?? null,
        details: { kind: (after ?? before)?.kind, before: auditState(before), after: auditState(after) },
      });
    } catch (error) {
      strapi.log.error(`[client-insights] audit: could not record approval.${action} #${id}: ${(error as Error).message}`);
    }
  };

  /** Moves request `id` from `from` to the given columns; answers whether this call moved it. */
  const move = async (id: number, from: ApprovalStatus, set: Record<string, unknown>, unexpired = false) => {
    const q = knex()(TABLES.approvals).where({ id, status: from });
    if (unexpired) q.where('expires_at', '>', now());
    return Number(await q.update(set)) === 1;
  };

  /** Marks pending request `id` expired (once, audited as the system's) if its time is up. */
  const expireOne = async (id: number) => {
    const before = await load(id);
    const moved = await knex()(TABLES.approvals).where({ id, status: 'pending' }).where('expires_at', '<=', now()).update({ status: 'expired' });
    if (Number(moved) === 1) await audit({ type: 'system' }, 'expire', id, before, await load(id));
  };

  /** Every pending request past its expiry becomes `expired`; answers how many. */
  const expire = async () => {
    const ids: number[] = (await knex()(TABLES.approvals).where({ status: 'pending' }).where('expires_at', '<=', now()).pluck('id')).map(Number);
    for (const id of ids) await expireOne(id);
    return ids.length;
  };

  const answer = async (records: ApprovalRecord[]) => {
    const names = await userNames(
      strapi,
      records.flatMap((r) => [r.requestedBy, ...(r.decidedBy === null ? [] : [r.decidedBy])])
    );
    return records.map((r) => toApproval(r, names));
  };
  const answerOne = async (r: ApprovalRecord) => (await answer([r]))[0];

  /** The request if `who` may see it (their own, or of a kind they approve); a hidden one is answered as missing. */
  const visible = async (who: Approver, id: number) => {
    const r = await load(id);
    if (!r || (r.requestedBy !== who.userId && !who.approves.includes(r.kind))) throw ApiError.notFound(`approval request ${id} not found`);
    return r;
  };

  /** Refuses a decision on request `r` unless it is pending and unexpired (an expired one is marked so). */
  const stillPending = async (r: ApprovalRecord) => {
    if (r.status === 'pending' && r.expiresAt && r.expiresAt.getTime() <= Date.now()) {
      await expireOne(r.id);
      throw ApiError.conflict(`approval request ${r.id} expired at ${r.expiresAt.toISOString()}: ask for it again`);
    }
    if (r.status !== 'pending') throw ApiError.conflict(`approval request ${r.id} is ${r.status}: only a pending request can be decided`);
  };

  /** After a conditional update found nothing to move: why (another decision came first, or the time ran out). */
  const lostRace = async (id: number): Promise<never> => {
    const r = (await load(id))!;
    await stillPending(r);
    throw ApiError.conflict(`approval request ${id} changed meanwhile: try again`);
  };

  /** Checks for approve and reject: an approver of the kind, not the user who asked. */
  const decidable = async (who: Approver, id: number) => {
    // Like a route guard: answered before the request is looked up, so it discloses nothing.
    if (who.approves.length === 0)
      throw ApiError.forbidden(`deciding approval requests needs an approve permission (${APPROVAL_KINDS.map(actionName).join(', ')})`);
    const r = await visible(who, id);
    if (r.requestedBy === who.userId) {
      throw ApiError.forbidden(
        `approval request ${id} was made by you: another user holding "${actionName(r.kind)}" must decide it (a requester may cancel it)`
      );
    }
    if (!who.approves.includes(r.kind)) throw ApiError.forbidden(`deciding ${r.kind} requests needs "${actionName(r.kind)}"`);
    await stillPending(r);
    return r;
  };

  /** Runs the approved work of `r` once (this call won the move to `approved`): executed with its job, or failed with why. */
  const execute = async (r: ApprovalRecord, who: Approver) => {
    const approved = (await load(r.id))!;
    const requester = await loadRequester(strapi, r.requestedBy);
    let outcome: { status: 'executed'; jobId: number | null } | { status: 'failed'; error: string };
    try {
      if (!requester) throw ApiError.conflict(`the user who asked (#${r.requestedBy}) is no longer an active admin user`);
      outcome = { status: 'executed', ...(await EXECUTORS[r.kind](strapi, approved, requester)) };
    } catch (error) {
      if (!(error instanceof ApiError))
        strapi.log.error(`[client-insights] approval #${r.id}: the approved ${r.kind} could not start: ${(error as Error).message}`);
      outcome = {
        status: 'failed',
        error: error instanceof ApiError ? error.message.slice(0, 500) : 'internal: the approved work could not start (see the server log)',
      };
    }
    await move(
      r.id,
      'approved',
      outcome.status === 'executed'
        ? { status: 'executed', executed_at: now(), job_id: outcome.jobId }
        : { status: 'failed', executed_at: now(), error: outcome.error }
    );
    const after = (await load(r.id))!;
    await audit({ type: 'admin', id: who.userId }, outcome.status === 'executed' ? 'execute' : 'fail', r.id, approved, after, who);
    return after;
  };

  return {
    /** Records a pending request by `requester` (an admin user); audited. */
    async request(requester: Approver, kind: ApprovalKind, payload: unknown, reason: string, preview: ApprovalPreview) {
      const created = new Date();
      const [inserted] = await knex()(TABLES.approvals).insert(
        {
          kind,
          status: 'pending',
          requested_by: requester.userId,
          reason,
          payload: JSON.stringify(payload),
          preview: JSON.stringify(preview),
          created_at: bindDate(knex(), created),
          expires_at: bindDate(knex(), new Date(created.getTime() + approvalExpiresHours(strapi) * 3_600_000)),
        },
        ['id']
      );
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
      const r = (await load(id))!;
      await audit({ type: 'admin', id: requester.userId }, 'request', id, null, r, requester);
      return answerOne(r);
    },

    /** Newest first: the caller's own requests and every request of the kinds they approve. */
    async list(who: Approver, query: ApprovalListQuery & { page: number; pageSize: number }) {
      await expire();
      const q = () => {
        const b = knex()(TABLES.approvals).where((w) => {
          w.where('requested_by', who.userId);
          if (who.approves.length) w.orWhereIn('kind', who.approves);
        });
        if (query.status) b.where('status', query.status);
        if (query.kind) b.where('kind', query.kind);
        return b;
      };
      const total = Number((await q().count({ n: '*' }).first())?.n ?? 0);
      const rows = await q()
        .orderBy('id', 'desc')
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize);
      const { page, pageSize } = query;
      return { data: await answer(rows.map(toRecord)), meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
    },

    async get(who: Approver, id: number) {
      const r = await visible(who, id);
      if (r.status === 'pending' && r.expiresAt && r.expiresAt.getTime() <= Date.now()) await expireOne(id);
      return answerOne((await load(id))!);
    },

    /** Approves pending request `id` and runs its work once, on behalf of the requester. */
    async approve(who: Approver, id: number, comment: string | null) {
      const before = await decidable(who, id);
      const won = await move(id, 'pending', { status: 'approved', decided_by: who.userId, decided_at: now(), comment }, true);
      if (!won) await lostRace(id);
      const approved = (await load(id))!;
      await audit({ type: 'admin', id: who.userId }, 'approve', id, before, approved, who);
      return answerOne(await execute(approved, who));
    },

    async reject(who: Approver, id: number, comment: string) {
      const before = await decidable(who, id);
      const won = await move(id, 'pending', { status: 'rejected', decided_by: who.userId, decided_at: now(), comment }, true);
      if (!won) await lostRace(id);
      const after = (await load(id))!;
      await audit({ type: 'admin', id: who.userId }, 'reject', id, before, after, who);
      return answerOne(after);
    },

    /** The requester withdraws their pending request. */
    async cancel(who: Approver, id: number) {
      const before = await visible(who, id);
      if (before.requestedBy !== who.userId) throw ApiError.forbidden(`only the user who asked may cancel approval request ${id}`);
      await stillPending(before);
      if (!(await move(id, 'pending', { status: 'cancelled', decided_by: who.userId, decided_at: now() }, true))) await lostRace(id);
      const after = (await load(id))!;
      await audit({ type: 'admin', id: who.userId }, 'cancel', id, before, after, who);
      return answerOne(after);
    },

    expire,

    /** Bootstrap: pending requests past their expiry are marked expired every 10 minutes (and whenever they are read). */
    scheduleExpiry() {
      getService(strapi, 'scheduler').schedule({ name: EXPIRE_SCHEDULE, cron: '*/10 * * * *', run: async () => void (await expire()) });
    },
  };
};
