import { describe, expect, expectTypeOf, it } from 'vitest';
import { DomainError } from '../http/errors.js';
import type { Subject } from './actor.js';
import { authorize, can } from './authorize.js';
import type { Permission, Role } from './permissions.js';
import type { TicketState } from './policies/ticket.js';

const subject = (role: Role, permissions: Permission[]): Subject => ({ id: `${role}-id`, role, permissions: new Set(permissions), teams: { ids: [], restricted: false } });

function answer(run: () => void): string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.code}:${error.message}`;
    throw error;
  }
}

describe('authorize', () => {
  it('grants the audit log and the failed-mail list by their own permissions, whatever the role', () => {
    const manager = subject('manager', ['users.manage', 'roles.manage']);
    expect(answer(() => authorize(manager, 'audit.read'))).toBe('forbidden:forbidden:Missing permission audit.read');
    expect(answer(() => authorize(manager, 'mail.manage'))).toBe('forbidden:forbidden:Missing permission mail.manage');
    const agent = subject('agent', ['audit.read', 'mail.manage']);
    expect(can(agent, 'audit.read')).toBe(true);
    expect(can(agent, 'mail.manage')).toBe(true);
  });

  it('narrows a looked-up resource: after the call it exists', () => {
    const reader = subject('agent', ['tickets.read.all']);
    const found: (TicketState & { subject: string }) | undefined = { requesterId: 'c', status: 'open', assigneeId: null, teamId: null, subject: 'Printer' };
    authorize(reader, 'ticket.read', found);
    expectTypeOf(found).toEqualTypeOf<TicketState & { subject: string }>();
    expect(found.subject).toBe('Printer');
    expect(answer(() => authorize(reader, 'user.read', undefined))).toBe('not_found:user_not_found:No such user');
  });

  it('answers 404 for another user unless the caller manages users', () => {
    const agent = subject('agent', []);
    expect(answer(() => authorize(agent, 'user.read', { id: 'agent-id' }))).toBe('allowed');
    expect(answer(() => authorize(agent, 'user.read', { id: 'someone' }))).toBe('not_found:user_not_found:No such user');
    expect(answer(() => authorize(subject('agent', ['users.manage']), 'user.read', { id: 'someone' }))).toBe('allowed');
  });

  it('needs a resource where the rule looks at one', () => {
    const manager = subject('manager', ['users.manage']);
    // @ts-expect-error a role change is decided on the user it changes
    expect(() => authorize(manager, 'user.changeRole', undefined)).toThrow('decided on a resource');
    // Checked by the compiler only: the audit log is no looked-up resource that could be missing.
    // @ts-expect-error an action on no resource takes none
    const untyped = () => authorize(manager, 'audit.read', undefined);
    expect(untyped).toBeTypeOf('function');
  });

  it('keeps the locked manager permissions', () => {
    const editor = subject('manager', ['roles.manage']);
    expect(answer(() => authorize(editor, 'role.setPermissions', { role: 'manager', permissions: ['roles.manage'] }))).toBe(
      'conflict:manager_permission_locked:Managers always keep users.manage and roles.manage',
    );
    expect(answer(() => authorize(editor, 'role.setPermissions', { role: 'agent', permissions: [] }))).toBe('allowed');
    expect(answer(() => authorize(subject('agent', []), 'role.setPermissions', { role: 'agent', permissions: [] }))).toBe(
      'forbidden:forbidden:Missing permission roles.manage',
    );
  });

  it('offers staff every notification kind and customers only theirs', () => {
    expect(can(subject('customer', []), 'notification.receive', { customers: false })).toBe(false);
    expect(can(subject('customer', []), 'notification.receive', { customers: true })).toBe(true);
    expect(can(subject('agent', []), 'notification.receive', { customers: false })).toBe(true);
  });
});
