import { Type, type Static } from '@sinclair/typebox';
import { AttachmentSchema, presentAttachment } from '../attachments/attachments.presenter.js';
import type { AttachmentSummary } from '../attachments/attachments.repository.js';
import type { Subject } from '../authz/actor.js';
import { abilitiesPerStanding, canSeeTags, ticketAbilities, type TicketAbilities } from '../authz/policies/ticket.js';
import { Nullable, RoleSchema, Timestamp } from '../http/schemas.js';
import type { TicketEventRow } from './ticket-events.repository.js';
import type { MessageView } from './ticket-messages.repository.js';
import { SlaSchema, ticketSla } from './ticket-sla.js';
import { TicketPrioritySchema, TicketStatusSchema } from './ticket-status-schemas.js';
import type { TicketView } from './tickets.repository.js';


type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** An ability added to the policy but not to this schema fails to compile. */
export type AbilitiesMatchPolicy = Assert<Same<Static<typeof TicketAbilitiesSchema>, TicketAbilities>>;

const TicketAbilitiesSchema = Type.Object(
  {
    reply: Type.Boolean({ description: 'Add a public message (false on a closed ticket)' }),
    note: Type.Boolean({ description: 'Add an internal note' }),
    close: Type.Boolean(),
    reopen: Type.Boolean({ description: 'Move a resolved ticket back to open' }),
    assign: Type.Boolean({ description: 'Claim the ticket or give it to someone while it is unassigned' }),
    reassign: Type.Boolean({ description: 'Change or clear the assignee it has' }),
    priority: Type.Boolean({ description: 'Change the priority' }),
    tag: Type.Boolean({ description: 'Add and remove tags' }),
    team: Type.Boolean({ description: 'Move it to another team or out of any (tickets.team)' }),
    statuses: Type.Array(TicketStatusSchema, { description: 'The statuses the caller may move it to now' }),
  },
  { additionalProperties: false, description: 'What the caller may do with this ticket now; clients render their controls from it' },
);

const PersonRef = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });

export const TicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.Integer(),
    subject: Type.String(),
    description: Type.String(),
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    requesterId: Type.String(),
    assigneeId: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    firstResponseAt: Nullable(Timestamp),
    resolvedAt: Nullable(Timestamp),
    closedAt: Nullable(Timestamp),
    firstResponseDueAt: Nullable(Timestamp),
    resolutionDueAt: Nullable(Timestamp),
    requester: PersonRef,
    assignee: Nullable(PersonRef),
    teamId: Nullable(Type.String()),
    team: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
    sla: SlaSchema,
    abilities: TicketAbilitiesSchema,
    tags: Type.Optional(
      Type.Array(Type.String(), { description: "The desk's labels, sorted; only for callers who may read internal notes (never customers by default)" }),
    ),
    attachments: Type.Optional(
      Type.Array(AttachmentSchema, { description: 'Files given with the description; on single-ticket answers (open, read) only' }),
    ),
  },
  { additionalProperties: false },
);
export type TicketDto = Static<typeof TicketSchema>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** How one viewer's tickets are shown: what they may do with each, whether they see tags, and when it is. */
interface Presentation {
  abilities: (ticket: TicketView) => TicketAbilities;
  tags: boolean;
  now: Date;
}

const presented = (row: TicketView, how: Presentation, attachments?: readonly AttachmentSummary[]): TicketDto => ({
  id: row.id,
  number: row.number,
  subject: row.subject,
  description: row.description,
  status: row.status,
  priority: row.priority,
  requesterId: row.requesterId,
  assigneeId: row.assigneeId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  firstResponseAt: iso(row.firstResponseAt),
  resolvedAt: iso(row.resolvedAt),
  closedAt: iso(row.closedAt),
  firstResponseDueAt: iso(row.firstResponseDueAt),
  resolutionDueAt: iso(row.resolutionDueAt),
  requester: { id: row.requesterId, name: row.requesterName },
  assignee: row.assigneeId === null ? null : { id: row.assigneeId, name: row.assigneeName ?? '' },
  teamId: row.teamId,
  team: row.teamId === null ? null : { id: row.teamId, name: row.teamName ?? '' },
  sla: ticketSla(row, how.now),
  abilities: how.abilities(row),
  ...(how.tags ? { tags: row.tags } : {}),
  ...(attachments ? { attachments: attachments.map(presentAttachment) } : {}),
});

/**
 * `viewer` decides the abilities, `now` the SLA state (ok, at risk, breached) shown with the
 * ticket; `attachments`, when given, are the ticket's own files.
 */
export const presentTicket = (row: TicketView, viewer: Subject, now: Date, attachments?: readonly AttachmentSummary[]): TicketDto =>
  presented(row, { abilities: (ticket) => ticketAbilities(viewer, ticket), tags: canSeeTags(viewer), now }, attachments);

/** Shows many tickets to one viewer (a page, a bulk change's results) as `presentTicket` does, deciding abilities once per standing. */
export function ticketPresenter(viewer: Subject, now: Date): (row: TicketView) => TicketDto {
  const how: Presentation = { abilities: abilitiesPerStanding(viewer), tags: canSeeTags(viewer), now };
  return (row) => presented(row, how);
}

export const MessageSchema = Type.Object(
  {
    id: Type.String(),
    ticketId: Type.String(),
    authorId: Type.String(),
    body: Type.String(),
    internal: Type.Boolean(),
    createdAt: Timestamp,
    author: Type.Object(
      { id: Type.String(), name: Type.String(), role: RoleSchema },
      { additionalProperties: false },
    ),
    attachments: Type.Array(AttachmentSchema),
  },
  { additionalProperties: false },
);
export type MessageDto = Static<typeof MessageSchema>;

export const presentMessage = (row: MessageView): MessageDto => ({
  id: row.id,
  ticketId: row.ticketId,
  authorId: row.authorId,
  body: row.body,
  internal: row.internal,
  createdAt: row.createdAt.toISOString(),
  author: { id: row.authorId, name: row.authorName, role: row.authorRole },
  attachments: row.attachments.map(presentAttachment),
});

export const TicketEventSchema = Type.Object(
  {
    id: Type.String(),
    ticketId: Type.String(),
    type: Type.String(),
    actorId: Nullable(Type.String()),
    /** Null for changes made by the system (escalation rules, SLA checks). */
    actor: Nullable(PersonRef),
    internal: Type.Boolean(),
    data: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type TicketEventDto = Static<typeof TicketEventSchema>;

export const presentTicketEvent = (row: TicketEventRow): TicketEventDto => ({
  id: String(row.id),
  ticketId: row.ticketId,
  type: row.type,
  actorId: row.actorId,
  actor: row.actorId === null ? null : { id: row.actorId, name: row.actorName ?? '' },
  internal: row.internal,
  data: row.data,
  createdAt: row.createdAt.toISOString(),
});
