import { describe, expect, it } from 'vitest';
import { DomainError } from '../../http/errors.js';
import type { Subject } from '../actor.js';
import { can } from '../authorize.js';
import type { Permission, Role } from '../permissions.js';
import { authorizeUserChange, userAbilities, type UserChanges, type UserTarget } from './user.js';

const subject = (role: Role, permissions: Permission[]): Subject => ({ id: `${role}-id`, role, permissions: new Set(permissions), teams: { ids: [], restricted: false } });
const manager = subject('manager', ['users.manage']);
const target = (role: Role, active: boolean, activeManagers: number): UserTarget => ({ id: 'target', role, active, activeManagers });

function change(actor: Subject, user: UserTarget, changes: UserChanges): string {
  try {
    authorizeUserChange(actor, user, changes);
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('user abilities', () => {
  it('do not offer demoting or deactivating the last active manager', () => {
    expect(userAbilities(manager, target('manager', true, 1))).toEqual({ edit: true, changeRole: false, deactivate: false });
    expect(userAbilities(manager, target('manager', true, 2))).toEqual({ edit: true, changeRole: true, deactivate: true });
    // An inactive manager is not the one keeping the desk administrable.
    expect(userAbilities(manager, target('manager', false, 1))).toEqual({ edit: true, changeRole: true, deactivate: true });
    expect(userAbilities(manager, target('agent', true, 1))).toEqual({ edit: true, changeRole: true, deactivate: true });
  });

  it('offer nothing to someone who does not manage users, themselves included', () => {
    expect(userAbilities(subject('agent', ['tickets.assign']), target('agent', true, 1))).toEqual({ edit: false, changeRole: false, deactivate: false });
  });

  it('agree with what a change is allowed', () => {
    for (const actor of [manager, subject('manager', [])]) {
      for (const role of ['customer', 'agent', 'manager'] as const) {
        for (const active of [true, false]) {
          for (const activeManagers of [1, 2]) {
            const user = target(role, active, activeManagers);
            const abilities = userAbilities(actor, user);
            const label = `${[...actor.permissions].join(',')} on ${JSON.stringify(user)}`;
            expect(abilities.edit, label).toBe(change(actor, user, { name: 'New name' }) === 'allowed');
            expect(abilities.changeRole, label).toBe(
              (['customer', 'agent', 'manager'] as const).every((to) => change(actor, user, { role: to }) === 'allowed'),
            );
            expect(abilities.deactivate, label).toBe(change(actor, user, { active: false }) === 'allowed');
            expect(abilities.changeRole, label).toBe(can(actor, 'user.changeRole', user));
            expect(abilities.deactivate, label).toBe(can(actor, 'user.deactivate', user));
          }
        }
      }
    }
  });

  it('refuse the last manager with 409 and a non-manager with 403', () => {
    expect(change(manager, target('manager', true, 1), { role: 'agent' })).toBe('last_manager');
    expect(change(manager, target('manager', true, 1), { active: false })).toBe('last_manager');
    expect(change(manager, target('manager', true, 1), { role: 'manager', active: true, name: 'Same' })).toBe('allowed');
    expect(change(subject('agent', []), target('agent', true, 1), { name: 'x' })).toBe('forbidden');
  });
});
