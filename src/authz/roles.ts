import { eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Role } from './permissions.js';

/**
 * What a role means beyond its (editable) permissions. Permissions say what an account may
 * do; the role says what it is: a customer asks, staff answer, and a manager keeps the desk
 * administrable. These facts do not change when a manager edits the permission table.
 */

/** The role of every self-registered account. */
export const CUSTOMER_ROLE = 'customer' satisfies Role;
/** The role that administers the desk: it keeps its locked permissions and is never left without an active holder. */
export const MANAGER_ROLE = 'manager' satisfies Role;
export const STAFF_ROLES = ['agent', 'manager'] as const satisfies readonly Role[];

export const isStaffRole = (role: Role): boolean => (STAFF_ROLES as readonly Role[]).includes(role);

/** Staff answer tickets: their first public reply is the first response; a customer's reply hands a ticket back to the desk. */
export const isStaff = (user: { role: Role }): boolean => isStaffRole(user.role);

/** Someone a ticket can be assigned to (by a person or an escalation rule) and whom reports list as an agent. */
export const isActiveStaff = (user: { role: Role; active: boolean }): boolean => user.active && isStaff(user);

/** Someone staff may open a ticket for. */
export const isActiveCustomer = (user: { role: Role; active: boolean }): boolean => user.active && user.role === CUSTOMER_ROLE;

/** `isActiveStaff` in SQL, over a users row's columns: a table's, or an alias's in raw SQL (`sql\`u.role\``). */
export const activeStaffSql = (user: { role: SQLWrapper; active: SQLWrapper }): SQL =>
  sql`(${eq(user.active, true)} and ${inArray(user.role, [...STAFF_ROLES])})`;
