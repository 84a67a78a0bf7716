import { Type, type Static } from '@sinclair/typebox';
import { literalUnion, Timestamp } from '../http/schemas.js';
import { TagInput } from '../tags/tag-names.js';
import type { RoutingRuleRow, TeamMemberRow, TeamRow } from './teams.repository.js';
import { ASSIGNMENT_MODES } from './team-settings.js';

export const AssignmentModeSchema = literalUnion(ASSIGNMENT_MODES, {
  description: 'How new tickets of the team get an agent: off, round_robin (in turn) or least_open (fewest open tickets)',
});

export const TeamSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    restrictAgents: Type.Boolean({
      description: "Its agents see only their teams' tickets and those assigned to them (holders of teams.manage see all)",
    }),
    assignment: AssignmentModeSchema,
    isDefault: Type.Boolean({ description: 'New tickets no routing rule places go to this team' }),
    members: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type TeamDto = Static<typeof TeamSchema>;

export const presentTeam = (row: TeamRow, members: readonly TeamMemberRow[]): TeamDto => ({
  id: row.id,
  name: row.name,
  restrictAgents: row.restrictAgents,
  assignment: row.assignment,
  isDefault: row.isDefault,
  members: members.filter((member) => member.teamId === row.id).map((member) => ({ id: member.userId, name: member.name })),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const Topic = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', 'x-pattern-message': 'must not be blank' });

export const RoutingConditionsSchema = Type.Object(
  {
    topics: Type.Optional(
      Type.Array(Topic, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'The portal topics the rule takes' }),
    ),
    mailboxIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Mailboxes (GET /api/mailboxes) whose mail the rule takes when it opens a ticket',
      }),
    ),
    tags: Type.Optional(
      Type.Array(TagInput, {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        description:
          'The rule takes a ticket carrying one of these tags: a ticket of no team joins the team when it gets one (tags are stored normalized)',
      }),
    ),
  },
  { additionalProperties: false, description: 'Every condition given must hold; none: every ticket' },
);

export const RoutingRuleSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    position: Type.Integer({ description: 'Rules are tried in this order; the first that matches places the ticket' }),
    conditions: RoutingConditionsSchema,
    teamId: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type RoutingRuleDto = Static<typeof RoutingRuleSchema>;

export const presentRoutingRule = (row: RoutingRuleRow): RoutingRuleDto => ({
  id: row.id,
  name: row.name,
  position: row.position,
  conditions: row.conditions,
  teamId: row.teamId,
  createdAt: row.createdAt.toISOString(),
});

const TeamName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*\\S[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$', 'x-pattern-message': 'must be on one line and not blank' });

export const CreateTeamBody = Type.Object(
  {
    name: TeamName,
    restrictAgents: Type.Optional(Type.Boolean()),
    assignment: Type.Optional(AssignmentModeSchema),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateTeamInput = Static<typeof CreateTeamBody>;

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(TeamName),
    restrictAgents: Type.Optional(Type.Boolean()),
    assignment: Type.Optional(AssignmentModeSchema),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTeamInput = Static<typeof UpdateTeamBody>;

export const MemberParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const CreateRoutingRuleBody = Type.Object(
  { name: TeamName, conditions: RoutingConditionsSchema, teamId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export type CreateRoutingRuleInput = Static<typeof CreateRoutingRuleBody>;

export const TopicsSchema = Type.Object(
  { items: Type.Array(Type.String(), { description: 'Topics the portal form offers, in routing order' }) },
  { additionalProperties: false },
);
