import { forbidden } from '../../http/errors.js';
import type { Role } from '../permissions.js';
import { allow } from '../policy.js';
import { isStaffRole } from '../roles.js';

/** Availability is a staff matter: tickets are assigned to staff only (a role, not a permission). */
const own = allow<{ role: Role }>({
  when: (_subject, user) => isStaffRole(user.role),
  otherwise: () => forbidden('Only agents and managers have an availability'),
});

export const presencePolicy = {
  /** One's own availability: read it, switch it between available and away. Decided on the caller. */
  'presence.own': own,
  /** Everyone's availability and capacity, and handing an away agent's tickets back to their teams. */
  'presence.manage': allow<undefined>({ permission: 'teams.manage' }),
};
