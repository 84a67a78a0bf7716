import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../http/schemas.js';
import type { TicketEventRow } from './ticket-events.repository.js';
import type { MessageView } from './ticket-messages.repository.js';
import { SlaSchema, ticketSla } from './ticket-sla.js';
import { TicketPrioritySchema, TicketStatusSchema } from './ticket-status-schemas.js';
import type { TicketView } from './tickets.repository.js';

const RoleSchema = Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('manager')]);

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
  },
  { additionalProperties: false },
);
export type TicketDto = Static<typeof TicketSchema>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** `now` decides the SLA state (ok, at risk, breached) shown with the ticket. */
export const presentTicket = (row: TicketView, now: Date): TicketDto => ({
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
