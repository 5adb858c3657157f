import { canSee, type OwnerRoles } from './visibility';

/** The one visibility rule (segments and tags) for each kind of caller. */
describe('canSee', () => {
  const roles: OwnerRoles = new Map([
    [1, [10]],
    [2, [20]],
  ]);
  const alice = { kind: 'admin' as const, userId: 1, roleIds: [10], seesContact: false };
  const teammate = { kind: 'admin' as const, userId: 3, roleIds: [10], seesContact: false };
  const stranger = { kind: 'admin' as const, userId: 4, roleIds: [30], seesContact: false };
  const token = { kind: 'api' as const };
  const granted = { kind: 'api' as const, seesRestricted: true };
  const item = (visibility: string, ownerId: number | null) => ({ visibility, ownerId });

  it('global: everyone', () => {
    for (const viewer of [alice, teammate, stranger, token, granted]) expect(canSee(viewer, item('global', 1), roles)).toBe(true);
  });

  it('team: the owner and those sharing a role with them; any admin when it has no owner; tokens only when granted', () => {
    expect([alice, teammate, stranger, token, granted].map((v) => canSee(v, item('team', 1), roles))).toEqual([true, true, false, false, true]);
    expect([alice, teammate, stranger, token, granted].map((v) => canSee(v, item('team', null), roles))).toEqual([true, true, true, false, true]);
  });

  it('private: the owner only (and a granted token)', () => {
    expect([alice, teammate, stranger, token, granted].map((v) => canSee(v, item('private', 1), roles))).toEqual([true, false, false, false, true]);
    expect([alice, teammate, stranger, token].map((v) => canSee(v, item('private', null), roles))).toEqual([false, false, false, false]);
  });
});
