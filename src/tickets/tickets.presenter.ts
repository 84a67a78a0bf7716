import { Type, type Static } from '@sinclair/typebox';
import type { Subject } from '../authz/actor.js';
import { ticketAbilities, type TicketAbilities } from '../authz/policies/ticket.js';
import { Nullable, Timestamp } from '../http/schemas.js';
import { SlaSchema } from '../sla/sla.presenter.js';
import { ticketSla } from '../sla/sla-clock.js';
import type { TicketEventRow } from './ticket-events.repository.js';
import type { MessageView } from './ticket-messages.repository.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';
import type { TicketView } from './tickets.repository.js';

// Written out as literal tuples: the Fastify type provider infers a union only from a tuple.
export const TicketStatusSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('in_progress'),
  Type.Literal('waiting_on_customer'),
  Type.Literal('escalated'),
  Type.Literal('resolved'),
  Type.Literal('closed'),
]);
export const TicketPrioritySchema = Type.Union([
  Type.Literal('low'),
  Type.Literal('normal'),
  Type.Literal('high'),
  Type.Literal('urgent'),
]);
const RoleSchema = Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('manager')]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** A status or priority added to the domain lists but not to these schemas fails to compile. */
export type SchemasMatchDomain = [
  Assert<Same<Static<typeof TicketStatusSchema>, TicketStatus>>,
  Assert<Same<Static<typeof TicketPrioritySchema>, TicketPriority>>,
  Assert<Same<Static<typeof TicketAbilitiesSchema>, TicketAbilities>>,
];

const TicketAbilitiesSchema = Type.Object(
  {
    reply: Type.Boolean({ description: 'Add a public message (false on a closed ticket)' }),
    note: Type.Boolean({ description: 'Add an internal note' }),
    close: Type.Boolean(),
    reopen: Type.Boolean({ description: 'Move a resolved ticket back to open' }),
    assign: Type.Boolean({ description: 'Claim the ticket or give it to someone while it is unassigned' }),
    reassign: Type.Boolean({ description: 'Change or clear the assignee it has' }),
    priority: Type.Boolean({ description: 'Change the priority' }),
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
    sla: SlaSchema,
    abilities: TicketAbilitiesSchema,
  },
  { additionalProperties: false },
);
export type TicketDto = Static<typeof TicketSchema>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** `viewer` decides the abilities, `now` the SLA state (ok, at risk, breached) shown with the ticket. */
export const presentTicket = (row: TicketView, viewer: Subject, now: Date): TicketDto => ({
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
  sla: ticketSla(row, now),
  abilities: ticketAbilities(viewer, row),
});

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
