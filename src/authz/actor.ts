import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../http/errors.js';
import type { Permission, Role } from './permissions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook (src/auth/authenticate.ts) before any handler runs. */
    actor: Actor | null;
  }
}

/**
 * The teams a user belongs to, read with their permissions. `restricted`: one of them
 * restricts its agents to its own tickets (see `visibleTickets`).
 */
export interface TeamMembership {
  ids: readonly string[];
  restricted: boolean;
}

/** A person as SQL reads them for a permission decision (a caller, a recipient, a stream's client): `Actor`'s columns. */
export interface PersonRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  permissions: string[];
  team_ids: string[];
  teams_restricted: boolean;
}

/** The authenticated caller, loaded fresh on every request: current role, current permissions. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
  permissions: ReadonlySet<Permission>;
  teams: TeamMembership;
}

/**
 * Whom a decision is about: a request's caller, or a notification's or the stream's
 * recipient loaded without a session.
 */
export type Subject = Pick<Actor, 'id' | 'role' | 'permissions' | 'teams'>;

/** The caller of an authenticated route; routes marked public have none. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}
