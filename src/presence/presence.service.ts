import { sql } from 'drizzle-orm';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { PRESENCE_CHANNEL, type PresenceNotice, type PresenceState } from '../realtime/presence-notice.js';
import { requireVisibleTicket } from '../tickets/tickets.service.js';

/**
 * How long a notice holds unless announced again: a viewer's page repeats it well within
 * this, a typist on each burst of keys. A closed tab says nothing and simply expires.
 */
export const PRESENCE_TTL_MS: Readonly<Record<PresenceState, number>> = { viewing: 30_000, typing: 6_000, left: 0 };

/** Tells every process's stream that the caller is viewing, typing on, or has left a ticket. */
export async function announcePresence(ctx: AppContext, actor: Actor, ticketId: string, state: PresenceState): Promise<void> {
  const { db } = ctx.database;
  const ticket = await requireVisibleTicket(db, actor, ticketId);
  authorize(actor, 'ticket.presence', ticket);
  const notice: PresenceNotice = {
    ticketId,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId,
    teamId: ticket.teamId,
    userId: actor.id,
    name: actor.name,
    state,
    expiresAt: new Date(ctx.now().getTime() + PRESENCE_TTL_MS[state]).toISOString(),
  };
  // NOTIFY reaches every process listening (one LISTEN each); nothing is stored.
  await db.execute(sql`select pg_notify(${PRESENCE_CHANNEL}, ${JSON.stringify(notice)})`);
}
