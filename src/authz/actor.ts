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

/**
 * Whom a decision is about: a request's caller, or a notification's or the stream's
 * recipient loaded without a session.
 */
export type Subject = Pick<Actor, 'id' | 'role' | 'permissions'>;
