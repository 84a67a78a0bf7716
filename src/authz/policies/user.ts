import { lastManager, userNotFound } from '../../users/user-errors.js';
import type { Subject } from '../actor.js';
import type { Role } from '../permissions.js';
import { allow, allowed, allowOnFound, enforce, holds } from '../policy.js';
import { MANAGER_ROLE } from '../roles.js';

/** A user as the rules about changing them see it. */
export interface UserTarget {
  id: string;
  role: Role;
  active: boolean;
  /** How many active managers the desk has, this user included if they are one. */
  activeManagers: number;
}

/** A desk without an active manager could not be administered any more. */
const isLastActiveManager = (user: UserTarget): boolean => user.role === MANAGER_ROLE && user.active && user.activeManagers <= 1;

const manage = allow<undefined>({ permission: 'users.manage' });
/** Managers read anyone; everyone else only themselves, and others' ids look missing. */
const read = allowOnFound<{ id: string }>({ sees: (subject, user) => user.id === subject.id || holds(subject, 'users.manage'), notFound: userNotFound });
const keepsAManager = allow<UserTarget>({ permission: 'users.manage', when: (_subject, user) => !isLastActiveManager(user), otherwise: lastManager });

export const userPolicy = {
  'user.list': manage,
  'user.create': manage,
  'user.read': read,
  /** Rename, and any change at all (role and deactivation have their own rules on top). */
  'user.edit': manage,
  'user.changeRole': keepsAManager,
  'user.deactivate': keepsAManager,
};

export interface UserChanges {
  name?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
}

/** Each field of a PATCH checks its own rule, against the user as read (with the managers locked). */
export function authorizeUserChange(actor: Subject, user: UserTarget, changes: UserChanges): void {
  enforce(actor, manage, undefined);
  if (changes.role !== undefined && changes.role !== user.role) enforce(actor, keepsAManager, user);
  if (changes.active === false) enforce(actor, keepsAManager, user);
}

/** What the caller may do with a user now: a control that would always fail is not offered. */
export interface UserAbilities {
  edit: boolean;
  changeRole: boolean;
  deactivate: boolean;
}

export const userAbilities = (subject: Subject, user: UserTarget): UserAbilities => ({
  edit: allowed(subject, manage, undefined),
  changeRole: allowed(subject, keepsAManager, user),
  deactivate: allowed(subject, keepsAManager, user),
});
