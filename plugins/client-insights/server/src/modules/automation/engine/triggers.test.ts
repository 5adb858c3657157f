import { automationDefinitionSchema } from '../../../../../shared/contracts/automation-definition';
import { customerWriteCheck } from '../../customers/write-check';
import { inHoldout } from './occurrences';
import { dateTriggerField, dueDays } from './time-triggers';
import { eventMatches, filtersMatch, triggerKeyOf, type EventRow } from './triggers';

const event = (e: Partial<EventRow>): EventRow => ({ event: 'interaction.email_click', customerId: 1, ref: '7', payload: {}, occurredAt: new Date(0), ...e });
const trigger = (t: unknown) => automationDefinitionSchema.parse({ trigger: t, steps: [{ kind: 'wait', duration: { amount: 1, unit: 'days' } }] }).trigger;

describe('event triggers', () => {
  it('match on the event name and every filter given', () => {
    const click = trigger({ type: 'event', event: 'interaction.email_click', filters: { channel: 'email', campaignId: 3 } });
    expect(eventMatches(click, event({ payload: { channel: 'email', campaignId: 3 } }))).toBe(true);
    expect(eventMatches(click, event({ payload: { channel: 'email', campaignId: 4 } }))).toBe(false);
    expect(eventMatches(click, event({ payload: { channel: 'email' } }))).toBe(false);
    expect(eventMatches(click, event({ event: 'interaction.email_open', payload: { channel: 'email', campaignId: 3 } }))).toBe(false);
    expect(filtersMatch({ toStage: 'signed' }, { from: 'application', to: 'signed' })).toBe(true);
    expect(filtersMatch(undefined, {})).toBe(true);
    expect(eventMatches(trigger({ type: 'manual' }), event({}))).toBe(false);
    expect(triggerKeyOf(event({}))).toBe('interaction.email_click:7');
  });
});

describe('holdout', () => {
  it('is reproducible and close to its share', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const held = ids.filter((id) => inHoldout('doc-a', id, 10));
    expect(ids.filter((id) => inHoldout('doc-a', id, 10))).toEqual(held);
    expect(held.length).toBeGreaterThan(850);
    expect(held.length).toBeLessThan(1150);
    expect(ids.filter((id) => inHoldout('doc-a', id, 0))).toEqual([]);
    // Another rule holds out other customers.
    expect(ids.filter((id) => inHoldout('doc-b', id, 10))).not.toEqual(held);
  });
});

describe('date triggers', () => {
  it('fire on local days whose moment has passed, since activation, at most two days late', () => {
    const activated = new Date('2020-01-01T00:00:00Z');
    // 08:59 in Shanghai on 1 March: 27 and 28 Feb's 09:00 have passed (less than two days ago), 1 March's not yet.
    expect(dueDays('Asia/Shanghai', '09:00', activated, new Date('2026-03-01T00:59:00Z'))).toEqual(['2026-02-27', '2026-02-28']);
    // 09:01: 1 March's has passed, 27 Feb's is more than two days old.
    expect(dueDays('Asia/Shanghai', '09:00', activated, new Date('2026-03-01T01:01:00Z'))).toEqual(['2026-02-28', '2026-03-01']);
    // Activated after today's moment: not fired for it.
    expect(dueDays('Asia/Shanghai', '09:00', new Date('2026-03-01T02:00:00Z'), new Date('2026-03-01T03:00:00Z'))).toEqual([]);
    // Across the spring-forward change in New York (8 March 2026), 09:00 is 13:00 UTC after it, 14:00 before.
    expect(dueDays('America/New_York', '09:00', activated, new Date('2026-03-09T13:00:00Z'))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(dueDays('America/New_York', '09:00', activated, new Date('2026-03-07T13:59:00Z'))).toEqual(['2026-03-05', '2026-03-06']);
  });

  it('read datetime fields of the customer or the rollup only', () => {
    expect(dateTriggerField('metrics.contract_end_at')?.column).toBe('m.contract_end_at');
    expect(dateTriggerField('customer.created_at')?.column).toBe('c.created_at');
    expect(dateTriggerField('customer.region')).toBeNull();
    expect(dateTriggerField('nope')).toBeNull();
  });
});

describe('customer time zone', () => {
  it('is an IANA name or empty', async () => {
    const check = (timezone: unknown) => customerWriteCheck({ timezone }, async () => null);
    expect(await check('Asia/Shanghai')).toEqual([]);
    expect(await check(null)).toEqual([]);
    expect(await check(undefined)).toEqual([]);
    expect(await check('Mars/Olympus')).toEqual([{ path: '/timezone', message: expect.any(String) }]);
    expect(await check('x'.repeat(65))).toHaveLength(1);
    expect(await check(5)).toHaveLength(1);
  });
});
