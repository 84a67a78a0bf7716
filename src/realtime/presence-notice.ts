/**
 * Who is on a ticket right now, told to every process through NOTIFY on this channel (the
 * payload carries the notice itself: presence is never stored). Each process's stream hub
 * hands it to its connected staff who may see the ticket.
 */
export const PRESENCE_CHANNEL = 'ticket_presence';

export const PRESENCE_STATES = ['viewing', 'typing', 'left'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

export interface PresenceNotice {
  ticketId: string;
  /** Whose ticket it is, who has it and its team: the visibility rule is decided on them. */
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  userId: string;
  name: string;
  state: PresenceState;
  /** When the client should forget it unless it is announced again (a tab that went away says nothing). */
  expiresAt: string;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** A notice from the channel; anything malformed is ignored rather than trusted. */
export function parsePresence(payload: string): PresenceNotice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { ticketId, requesterId, assigneeId, teamId, userId, name, state, expiresAt } = value as Record<string, unknown>;
  if (![ticketId, requesterId, userId, name, expiresAt].every(isString)) return undefined;
  if (![assigneeId, teamId].every((id) => id === null || isString(id))) return undefined;
  if (!(PRESENCE_STATES as readonly unknown[]).includes(state)) return undefined;
  return value as PresenceNotice;
}

/** The stream frame: no `id`, so it neither moves a client's resume point nor is replayed. */
export function presenceFrame(notice: PresenceNotice): string {
  const { ticketId, userId, name, state, expiresAt } = notice;
  return `event: presence\ndata: ${JSON.stringify({ ticketId, userId, name, state, expiresAt })}\n\n`;
}
