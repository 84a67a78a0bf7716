import { forbidden } from '../http/errors.js';
import type { Actor } from './actor.js';
import type { Permission } from './permissions.js';

/** Only the permissions matter, so a recipient loaded without a session can be asked too. */
export function can(actor: Pick<Actor, 'permissions'>, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** Throws 403 unless the actor holds the permission. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden(`Missing permission ${permission}`);
}
