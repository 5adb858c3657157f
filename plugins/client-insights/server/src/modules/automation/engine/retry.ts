import type { Knex } from 'knex';
import { bindDate } from '../../../core/db/dialect';
import { TABLES } from '../../../core/db/tables';
import { DeliveryDeferred, DeliveryError } from '../actions/types';

/**
 * What happens to a step whose delivery failed. Transient failures (timeouts, 5xx, 429) are tried
 * again after an exponential backoff with full jitter (AWS's "full jitter": a random delay in
 * [0, min(cap, base · 2^(attempt−1))], so many rows failing together do not retry together), or
 * after the receiver's Retry-After when it gave one; permanent failures and the last attempt go to
 * the dead letter with the reason, from where `retryDead` puts them back by hand.
 */

export type RetryPolicy = { maxAttempts: number; retryBaseMs: number; retryCapMs: number };

export const backoffMs = (attempt: number, policy: Pick<RetryPolicy, 'retryBaseMs' | 'retryCapMs'>, random: () => number = Math.random): number => {
  const ceiling = Math.min(policy.retryCapMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
};

type FailureDecision =
  | { status: 'retrying'; dueAt: Date; message: string }
  /** Refused before sending (DeliveryDeferred): due again later, the attempt not counted. */
  | { status: 'deferred'; dueAt: Date; message: string }
  | { status: 'dead'; message: string };

/** A failure as a decision: anything that is not a DeliveryError (a bug, a lost connection) is treated as transient. */
export const failureDecision = (error: unknown, attempts: number, policy: RetryPolicy, now: Date, random: () => number = Math.random): FailureDecision => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DeliveryDeferred) return { status: 'deferred', dueAt: new Date(now.getTime() + (error.retryAfterMs ?? 0)), message };
  const transient = error instanceof DeliveryError ? error.transient : true;
  if (!transient) return { status: 'dead', message };
  if (attempts >= policy.maxAttempts) return { status: 'dead', message: `${message} (after ${attempts} attempts)` };
  const retryAfter = error instanceof DeliveryError && error.retryAfterMs !== undefined && error.retryAfterMs >= 0 ? error.retryAfterMs : null;
  const delay = retryAfter ?? backoffMs(attempts, policy, random);
  return { status: 'retrying', dueAt: new Date(now.getTime() + delay), message };
};

/**
 * Puts a dead row back in the queue, due now, with its attempts reset (by hand, from the admin's
 * log). Answers false when the row is not dead.

 */
export const retryDead = async (knex: Knex, outboxId: number, now = new Date()): Promise<boolean> =>
  Number(
    await knex(TABLES.automationOutbox)
      .where({ id: outboxId, status: 'dead' })
      .update({
        status: 'pending',
        attempts: 0,
        due_at: bindDate(knex, now),
        claimed_by: null,
        claimed_until: null,
        updated_at: bindDate(knex, now),
      })
  ) === 1;
