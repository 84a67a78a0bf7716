/**
 * Woken (on commit) by every transaction that appends a ticket event or a notification,
 * through triggers (migrations 0008, 0022). Only a wake-up, with an empty payload: the stream
 * reads what is new from the tables, its source of truth.
 */
export const TICKET_EVENTS_CHANNEL = 'ticket_events';

/**
 * Woken by database triggers (migration 0005) whenever a session is revoked, a user's role
 * or active flag changes, or a role's permissions change: streams re-check their access.
 */
export const STREAM_ACCESS_CHANNEL = 'stream_access';
