import { Type, type Static } from '@sinclair/typebox';
import { TagInput } from '../tags/tag-names.js';
import { TicketPrioritySchema, TicketStatusSchema } from '../tickets/ticket-status-schemas.js';
import { CreatedRangeFields } from '../tickets/tickets.requests.js';

/** The queue filters a view keeps, as GET /api/tickets takes them (search is left out: counts must stay cheap). */
export const ViewFiltersSchema = Type.Object(
  {
    statuses: Type.Optional(Type.Array(TicketStatusSchema, { minItems: 1, uniqueItems: true })),
    priority: Type.Optional(TicketPrioritySchema),
    assigneeId: Type.Optional(
      Type.Union([Type.String({ format: 'uuid' }), Type.Literal('me'), Type.Literal('none')], {
        description: 'A user, `me` (whoever looks) or `none` (unassigned)',
      }),
    ),
    requesterId: Type.Optional(Type.String({ format: 'uuid' })),
    tag: Type.Optional(TagInput),
    ...CreatedRangeFields,
  },
  { additionalProperties: false },
);
export type ViewFilters = Static<typeof ViewFiltersSchema>;
