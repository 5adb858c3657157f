import { DeliveryDeferred, DeliveryError } from '../actions/types';
import { backoffMs, failureDecision } from './retry';

const policy = { maxAttempts: 5, retryBaseMs: 1000, retryCapMs: 10_000 };
const now = new Date('2031-01-01T00:00:00Z');

describe('retry decisions', () => {
  it('full jitter under a ceiling that doubles per attempt up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, policy, top))).toEqual([999, 1999, 3999, 7999, 9999, 9999]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });

  it('transient: retrying (Retry-After wins); permanent or the last attempt: dead', () => {
    expect(failureDecision(new DeliveryError('503', true), 1, policy, now, () => 0.5)).toEqual({
      status: 'retrying',
      dueAt: new Date(now.getTime() + 500),
      message: '503',
    });
    expect(failureDecision(new DeliveryError('429', true, 7000), 2, policy, now)).toEqual({
      status: 'retrying',
      dueAt: new Date(now.getTime() + 7000),
      message: '429',
    });
    expect(failureDecision(new DeliveryError('400', false), 1, policy, now)).toEqual({ status: 'dead', message: '400' });
    expect(failureDecision(new DeliveryError('503', true), 5, policy, now)).toEqual({ status: 'dead', message: '503 (after 5 attempts)' });
    // Not a DeliveryError (a bug, a lost connection): retried.
    expect(failureDecision(new Error('boom'), 1, policy, now, () => 0).status).toBe('retrying');
  });

  it('refused before sending (circuit open, rate limit): deferred by its Retry-After, never dead, whatever the attempt', () => {
    for (const attempts of [1, 5, 9])
      expect(failureDecision(new DeliveryDeferred('the endpoint circuit is open', 42_000), attempts, policy, now)).toEqual({
        status: 'deferred',
        dueAt: new Date(now.getTime() + 42_000),
        message: 'the endpoint circuit is open',
      });
  });
});
