import { Type } from '@sinclair/typebox';
import { AttachmentIds } from '../attachments/attachments.presenter.js';
import { ListQuery, literalUnion, Nullable } from '../http/schemas.js';
import { TagInput, TagInputs } from '../tags/tag-names.js';
import { SORT_ORDERS, TICKET_SORTS } from './ticket-sort.js';
import { TICKET_STATUSES, type TicketStatus } from './ticket-status.js';
import { TicketPrioritySchema, TicketStatusSchema } from './ticket-status-schemas.js';

const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const Uuid = Type.String({ format: 'uuid' });

/** Free text that must say something: whitespace alone is refused like an empty string. */
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S', 'x-pattern-message': 'must not be blank' });

export const CreateTicketBody = Type.Object(
  {
    subject: Text(200),
    description: Text(20_000),
    priority: Type.Optional(TicketPrioritySchema),
    requesterId: Type.Optional(Uuid),
    attachmentIds: Type.Optional(AttachmentIds),
    topic: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'One of GET /api/ticket-topics: routes the ticket to a team' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateTicketBody = Type.Object(
  {
    status: Type.Optional(TicketStatusSchema),
    priority: Type.Optional(TicketPrioritySchema),
    assigneeId: Type.Optional(Nullable(Uuid)),
    addTags: Type.Optional({ ...TagInputs, description: 'Tags to add (tickets.tag)' }),
    removeTags: Type.Optional({ ...TagInputs, description: 'Tags to remove (tickets.tag)' }),
    /** Move to this team, or null for none (tickets.team). */
    teamId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UpdateTicketHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of the ticket as last read; a stale one answers 412' })),
});

const statusAlternatives = TICKET_STATUSES.join('|');

/** The creation-date range of the queue and of saved views: from inclusive, to exclusive. */
export const CreatedRangeFields = {
  createdFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Only tickets created at or after this instant (ISO 8601)' })),
  createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'Only tickets created before this instant (ISO 8601)' })),
};

export const ListTicketsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        pattern: `^(${statusAlternatives})(,(${statusAlternatives}))*$`,
        description: 'Comma-separated statuses',
      }),
    ),
    priority: Type.Optional(TicketPrioritySchema),
    assigneeId: Type.Optional(Type.String({ pattern: `^(me|none|${UUID_PATTERN})$`, description: 'A user id, me, or none' })),
    teamId: Type.Optional(
      Type.String({ pattern: `^(mine|none|${UUID_PATTERN})$`, description: 'A team id, mine (the caller\'s teams), or none' }),
    ),
    requesterId: Type.Optional(Uuid),
    tag: Type.Optional({ ...TagInput, description: 'Only tickets carrying this tag (needs tickets.note, like seeing tags)' }),
    ...CreatedRangeFields,
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'Full-text search of subject, description and the messages the caller may read (internal notes for those who may read them); ' +
          'words match by prefix; quotes, `or` and `-word` as in web search; `#12` (or `12`) finds ticket 12',
      }),
    ),
    sort: Type.Optional(
      literalUnion(TICKET_SORTS, {
        description:
          'created (default), updated, priority, due (the next SLA target still to meet), or attention: ' +
          'missed SLA targets first, then by priority, most pressing due date, oldest first. Not with q: search hits are newest first',
      }),
    ),
    order: Type.Optional(literalUnion(SORT_ORDERS, { description: 'Defaults: desc, except due (asc, soonest first)' })),
    ...ListQuery,
  },
  { additionalProperties: false },
);

const isStatus = (value: string): value is TicketStatus => (TICKET_STATUSES as readonly string[]).includes(value);

/** The `status` filter as a list; the schema has already refused anything but known statuses. */
export const parseStatusList = (value: string | undefined): TicketStatus[] | undefined =>
  value === undefined ? undefined : [...new Set(value.split(','))].filter(isStatus);

export const PostMessageBody = Type.Object(
  {
    body: Text(20_000),
    internal: Type.Optional(Type.Boolean()),
    attachmentIds: Type.Optional(AttachmentIds),
    status: Type.Optional({
      ...TicketStatusSchema,
      description:
        'Send and set status: the ticket moves to it with the message, in one step, checked as PATCH status is; ' +
        'a refused move sends nothing. The ticket\'s current status is a no-op',
    }),
    afterMessageId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description:
          'The newest message the composer had seen (null: none yet). If someone else has posted a message the caller can see ' +
          'since, nothing is stored and the answer is 409 `ticket_changed`: read the conversation, then send again with the ' +
          'newer id (or without it to send anyway). A customer is never refused over an internal note',
      }),
    ),
  },
  { additionalProperties: false },
);
