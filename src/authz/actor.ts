import type { Permission, Role } from './permissions.js';

/** The authenticated caller, loaded fresh on every request: current role, current permissions. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
  permissions: ReadonlySet<Permission>;
}

export const isStaff = (actor: Actor): boolean => actor.role !== 'customer';
