import type { paths } from './schema';

/**
 * Fields the server is gaining in issue 13 (§2 abilities and locked permissions), in the
 * shapes agreed for them. Delete this file once `npm run api:types` brings
 * them into schema.d.ts.
 */

type Status = paths['/api/tickets/{id}']['get']['responses'][200]['content']['application/json']['status'];

export interface TicketAbilities {
  abilities: {
    reply: boolean;
    note: boolean;
    close: boolean;
    reopen: boolean;
    assign: boolean;
    reassign: boolean;
    priority: boolean;
    /** The statuses the caller may move this ticket to now. */
    statuses: Status[];
  };
}

export interface UserAbilities {
  abilities: { edit: boolean; changeRole: boolean; deactivate: boolean };
}

export interface LockedPermissions {
  /** Permissions this role must keep (the server refuses to take them). */
  locked: string[];
}
