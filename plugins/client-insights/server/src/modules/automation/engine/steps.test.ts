import type { Step } from '../../../../../shared/contracts/automation-definition';
import { advance, branchPath, localDay, nextClockTime, nextPath, quietHoursEnd, stepAt } from './steps';

const act = (tagId: number): Step => ({ kind: 'action', action: { type: 'tag', op: 'add', tagId } });
const steps: Step[] = [
  act(1),
  { kind: 'wait', duration: { amount: 2, unit: 'days' } },
  { kind: 'if', rule: { has_tag: ['x'] }, then: [act(2), { kind: 'wait_until', time: '09:00' }, act(3)], else: [] },
  act(4),
];

describe('step walker', () => {
  it('finds steps by path and walks in order, out of a branch to the step after its if', () => {
    expect(stepAt(steps, '2.then.2')).toEqual(act(3));
    expect(stepAt(steps, '2.else.0')).toBeNull();
    expect(stepAt(steps, '9')).toBeNull();
    expect(stepAt(steps, 'x')).toBeNull();
    expect(stepAt(steps, '0.then.0')).toBeNull();
    expect(nextPath(steps, '0')).toBe('1');
    expect(nextPath(steps, '2.then.0')).toBe('2.then.1');
    expect(nextPath(steps, '2.then.2')).toBe('3');
    expect(nextPath(steps, '3')).toBeNull();
    expect(branchPath(steps, '2', 'then')).toBe('2.then.0');
    expect(branchPath(steps, '2', 'else')).toBe('3');
  });

  it('passes over waits: a later due time, and whether a wait came first', () => {
    const from = new Date('2031-03-10T02:00:00Z');
    expect(advance(steps, '1', from, 'Asia/Shanghai')).toEqual({ path: '2', dueAt: new Date('2031-03-12T02:00:00Z'), waited: true });
    expect(advance(steps, '0', from, 'Asia/Shanghai')).toEqual({ path: '0', dueAt: from, waited: false });
    // 09:00 in Shanghai is 01:00 UTC: already past at 02:00, so the next day.
    expect(advance(steps, '2.then.1', from, 'Asia/Shanghai')).toEqual({ path: '2.then.2', dueAt: new Date('2031-03-11T01:00:00Z'), waited: true });
    expect(advance(steps, null, from, 'UTC').path).toBeNull();
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    // New York springs forward on 2031-03-09: 1 day after Saturday 10:00 EST is Sunday 10:00 EDT (23 hours later).
    const saturday = new Date('2031-03-08T15:00:00Z');
    const waited = advance([{ kind: 'wait', duration: { amount: 1, unit: 'days' } }, act(1)], '0', saturday, 'America/New_York');
    expect(waited.dueAt.toISOString()).toBe('2031-03-09T14:00:00.000Z');
    // 02:30 does not exist that night: luxon moves it to 03:30 EDT.
    expect(nextClockTime(new Date('2031-03-09T05:00:00Z'), '02:30', 'America/New_York').toISOString()).toBe('2031-03-09T07:30:00.000Z');
  });

  it('quiet hours wrapping midnight end at their end time in the zone', () => {
    const quiet = { start: '21:00', end: '08:00' };
    expect(quietHoursEnd(new Date('2031-03-10T14:30:00Z'), 'Asia/Shanghai', quiet)?.toISOString()).toBe('2031-03-11T00:00:00.000Z');
    expect(quietHoursEnd(new Date('2031-03-10T22:00:00Z'), 'Asia/Shanghai', quiet)?.toISOString()).toBe('2031-03-11T00:00:00.000Z');
    expect(quietHoursEnd(new Date('2031-03-10T02:00:00Z'), 'Asia/Shanghai', quiet)).toBeNull();
    expect(quietHoursEnd(new Date('2031-03-10T12:30:00Z'), 'Asia/Shanghai', { start: '12:00', end: '14:00' })).toBeNull();
    expect(quietHoursEnd(new Date('2031-03-10T04:30:00Z'), 'Asia/Shanghai', { start: '12:00', end: '14:00' })?.toISOString()).toBe('2031-03-10T06:00:00.000Z');
  });

  it("a customer's calendar day in their zone", () => {
    expect(localDay(new Date('2031-03-10T17:00:00Z'), 'Asia/Shanghai')).toEqual({
      start: new Date('2031-03-10T16:00:00Z'),
      end: new Date('2031-03-11T16:00:00Z'),
    });
  });
});
