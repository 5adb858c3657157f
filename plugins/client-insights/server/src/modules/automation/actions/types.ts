import type { LocalisedText } from '../../../../../shared/labels';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { Action } from '../../../../../shared/contracts/automation-definition';
import type { ActionType, DeliveryChannel, SkipReason } from '../../../../../shared/enums';

/**
 * The seam between the engine (which decides whether and when a step runs) and the actions
 * (which perform it). The engine applies the guard rails that are the same for every action
 * (re-entry, conditions, exit/goal, consent and caps of `channel`, quiet hours of `external`
 * actions, churned customers); an action only renders and performs, and reports how it went.
 */

/** The customer an action is for, contact data decrypted (never logged). */
export type ActionCustomer = {
  id: number;
  documentId: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** en, zh-Hans or zh: the language templates are rendered in (en when not set). */
  locale: 'en' | 'zh-Hans' | 'zh';
  timezone: string;
  stage: string | null;
  ownerId: number | null;
};

export type ActionContext<A extends Action = Action> = {
  strapi: Core.Strapi;
  knex: Knex;
  action: A;
  customer: ActionCustomer;
  /** rule version : customer : occurrence : step. Sent with every external call (webhook-id, Message-ID). */
  idemKey: string;
  rule: { doc: string; version: number; name: string };
  /** What fired: the occurrence key, the event and its data (template variables, webhook body). */
  trigger: { key: string; event: string | null; data: Record<string, unknown> };
  /** Test mode: render, never deliver (except "send a test to me", which sets `testRecipient`). */
  test: boolean;
  /** "Send a test to me": deliver to this address/user instead of the customer. */
  testRecipient?: { userId: number; email: string | null };
  now: Date;
};

/** What the action would send, as the test mode shows it. */
export type Rendered = {
  /** One line for lists ("Email to a***@x.com: 续签提醒"), in the admin's languages. */
  summary: LocalisedText;
  to?: string | null;
  subject?: string;
  text?: string;
  html?: string;
  /** A webhook's JSON body, a gateway's request body. */
  payload?: unknown;
};

export type ActionOutcome =
  /** Delivered to an external system (email, sms, push, webhook) or done inside (task, tag …). */
  | { status: 'sent' | 'done'; detail?: string; externalId?: string }
  /** Not performed, for a reason the action found (no address, endpoint circuit open …). */
  | { status: 'skipped'; reason: SkipReason; detail?: string };

/**
 * A failed delivery. `transient` ones (timeouts, 5xx, 429) are retried with backoff, after
 * `retryAfterMs` when the receiver said so; permanent ones (4xx, invalid address) go straight to
 * the dead letter with `message` as the reason.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly retryAfterMs?: number
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * A delivery refused on our side before anything was sent (the endpoint's circuit is open, the
 * channel's rate limit is reached): the step waits `retryAfterMs` and the refusal is not counted
 * as an attempt, so a long outage or a backlog under a rate limit never dead-letters a step that
 * was never tried.
 */
export class DeliveryDeferred extends DeliveryError {
  constructor(message: string, retryAfterMs: number) {
    super(message, true, retryAfterMs);
    this.name = 'DeliveryDeferred';
  }
}

export type ActionHandler<T extends ActionType = ActionType> = {
  type: T;
  /** The channel whose consent, unsubscribe and frequency cap apply (null: none). */
  channel: DeliveryChannel | null;
  /** Leaves the system (quiet hours apply; a rule using it is high-risk). */
  external: boolean;
  render(ctx: ActionContext<Extract<Action, { type: T }>>): Promise<Rendered>;
  perform(ctx: ActionContext<Extract<Action, { type: T }>>): Promise<ActionOutcome>;
};
