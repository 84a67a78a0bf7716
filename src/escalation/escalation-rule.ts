import { Type, type Static } from '@sinclair/typebox';
import { literalUnion, Timestamp } from '../http/schemas.js';
import { RATINGS } from '../satisfaction/rating.js';
import { TagInput } from '../tags/tag-names.js';
import { TicketPrioritySchema, TicketStatusSchema } from '../tickets/ticket-status-schemas.js';

/** The escalation rule of API.md: its JSON shape, which is also how it is stored. */

/** Up to ten years: larger numbers are typing mistakes, not rules. */
const Minutes = Type.Integer({ minimum: 0, maximum: 5_256_000 });

export const RuleConditionsSchema = Type.Object(
  {
    statuses: Type.Optional(Type.Array(TicketStatusSchema, { minItems: 1, uniqueItems: true })),
    priorities: Type.Optional(Type.Array(TicketPrioritySchema, { minItems: 1, uniqueItems: true })),
    unassigned: Type.Optional(Type.Boolean()),
    minutesSinceCreated: Type.Optional(Minutes),
    minutesWithoutFirstResponse: Type.Optional(Minutes),
    minutesSinceUpdate: Type.Optional(Minutes),
    /** The requester's current satisfaction answer; without `statuses` such a rule looks at resolved tickets too. */
    satisfaction: Type.Optional(literalUnion(RATINGS)),
    /** Tickets carrying any of these tags (stored normalized, as tickets carry them). */
    tags: Type.Optional(Type.Array(TagInput, { minItems: 1, maxItems: 20, uniqueItems: true })),
  },
  // A rule without conditions would act on every open ticket at once: refused.
  { additionalProperties: false, minProperties: 1 },
);
export type RuleConditions = Static<typeof RuleConditionsSchema>;

export const NotifyTargetSchema = Type.Union([Type.Literal('managers'), Type.Literal('assignee'), Type.Literal('requester')]);
export type NotifyTarget = Static<typeof NotifyTargetSchema>;

export const RuleActionsSchema = Type.Object(
  {
    setStatus: Type.Optional(TicketStatusSchema),
    setPriority: Type.Optional(TicketPrioritySchema),
    assignTo: Type.Optional(Type.String({ format: 'uuid' })),
    /** Moves the ticket to this team (it must exist when the rule is saved; a team deleted since is skipped). */
    setTeam: Type.Optional(Type.String({ format: 'uuid' })),
    notify: Type.Optional(Type.Array(NotifyTargetSchema, { minItems: 1, uniqueItems: true })),
  },
  // A rule that does nothing is a mistake.
  { additionalProperties: false, minProperties: 1 },
);
export type RuleActions = Static<typeof RuleActionsSchema>;

const RuleName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', 'x-pattern-message': 'must not be blank' });

export const RuleSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    enabled: Type.Boolean(),
    conditions: RuleConditionsSchema,
    actions: RuleActionsSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type RuleDto = Static<typeof RuleSchema>;

export const CreateRuleBody = Type.Object(
  { name: RuleName, enabled: Type.Optional(Type.Boolean()), conditions: RuleConditionsSchema, actions: RuleActionsSchema },
  { additionalProperties: false },
);
export type CreateRuleInput = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Object(
  {
    name: Type.Optional(RuleName),
    enabled: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(RuleConditionsSchema),
    actions: Type.Optional(RuleActionsSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRuleInput = Static<typeof UpdateRuleBody>;
