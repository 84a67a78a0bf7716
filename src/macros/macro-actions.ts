import { Type, type Static } from '@sinclair/typebox';
import { TagInputs } from '../tags/tag-names.js';
import { TicketPrioritySchema, TicketStatusSchema } from '../tickets/ticket-status-schemas.js';

/** What a macro changes on the ticket it is applied to; each change is checked as if made by hand. */
export const MacroActionsSchema = Type.Object(
  {
    status: Type.Optional(TicketStatusSchema),
    priority: Type.Optional(TicketPrioritySchema),
    assigneeId: Type.Optional(
      Type.Union([Type.String({ format: 'uuid' }), Type.Literal('me'), Type.Null()], {
        description: 'An agent, `me` (whoever applies it) or null (unassign)',
      }),
    ),
    addTags: Type.Optional(TagInputs),
    removeTags: Type.Optional(TagInputs),
  },
  { additionalProperties: false },
);
export type MacroActions = Static<typeof MacroActionsSchema>;
