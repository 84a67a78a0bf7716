import { attachmentNotFound } from '../../attachments/attachment-errors.js';
import type { Subject } from '../actor.js';
import { allow, allowOnFound } from '../policy.js';
import { canSeeInternalNotes, canSeeTicket, type TicketPlace } from './ticket.js';

/** Where an attachment is: still with its uploader, or on a ticket (in a message that may be an internal note). */
export interface AttachmentPlace {
  uploaderId: string;
  /** Its ticket's place (requester, assignee, team); null while it is not attached. */
  ticket: TicketPlace | null;
  /** Attached to an internal note. */
  internal: boolean;
}

/**
 * An attachment is visible exactly when what it is attached to is: the ticket (its own
 * attachments) or the message, so an internal note's file exists only for holders of
 * `tickets.note`. Until attached, it is its uploader's alone. Anything else is not found.
 */
export function canSeeAttachment(subject: Subject, place: AttachmentPlace): boolean {
  if (place.ticket === null) return place.uploaderId === subject.id;
  return canSeeTicket(subject, place.ticket) && (!place.internal || canSeeInternalNotes(subject));
}

const read = allowOnFound<AttachmentPlace>({ sees: canSeeAttachment, notFound: attachmentNotFound });
/** Uploading is for whoever may write something a file can go with. */
const upload = allow<undefined>({ permission: ['tickets.create', 'tickets.reply', 'tickets.note'] });

export const attachmentPolicy = {
  'attachment.read': read,
  'attachment.upload': upload,
};
