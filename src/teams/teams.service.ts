import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { isActiveStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { decodeCursor, encodeCursor, isCursorUuid } from '../http/cursor.js';
import { conflict, invalid, invalidField, notFound } from '../http/errors.js';
import { findMailbox } from '../mailboxes/mailboxes.repository.js';
import { normalizeTags } from '../tags/tag-names.js';
import { findUserById } from '../users/users.repository.js';
import { firstMatchingRule, routeTicket, type RoutingConditions, type RoutingFacts } from './routing.js';
import {
  presentRoutingRule,
  presentTeam,
  type CreateRoutingRuleInput,
  type CreateTeamInput,
  type RoutingRuleDto,
  type TeamDto,
  type UpdateTeamInput,
} from './teams.presenter.js';
import {
  addMember,
  clearDefaultTeam,
  deleteRoutingRule,
  deleteTeam,
  findTeam,
  insertRoutingRule,
  insertTeam,
  listTeams,
  membersOf,
  nameTaken,
  removeMember,
  routingChoices,
  routingRulesInOrder,
  updateTeam,
  type RoutingChoice,
  type TeamRow,
} from './teams.repository.js';

export const teamNotFound = () => notFound('team_not_found', 'No such team');
const nameTakenError = () => conflict('team_name_taken', 'A team with this name already exists');

async function present(db: Db, row: TeamRow): Promise<TeamDto> {
  return presentTeam(row, await membersOf(db, [row.id]));
}

interface TeamCursor {
  n: string;
  id: string;
}

const isTeamCursor = (value: unknown): value is TeamCursor => {
  const v = value as { n?: unknown; id?: unknown } | null;
  return typeof v?.n === 'string' && v.n.length <= 100 && isCursorUuid(v.id);
};

export async function listTeamsFor(
  ctx: AppContext,
  actor: Actor,
  query: { limit?: number | undefined; cursor?: string | undefined },
): Promise<{ items: TeamDto[]; nextCursor: string | null }> {
  authorize(actor, 'team.read');
  const limit = query.limit ?? 25;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isTeamCursor);
  const rows = await listTeams(ctx.database.db, { after: cursor && { name: cursor.n, id: cursor.id }, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const members = await membersOf(ctx.database.db, page.map((row) => row.id));
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ n: last.name, id: last.id } satisfies TeamCursor) : null;
  return { items: page.map((row) => presentTeam(row, members)), nextCursor };
}

export async function getTeam(ctx: AppContext, actor: Actor, id: string): Promise<TeamDto> {
  authorize(actor, 'team.read');
  const team = await findTeam(ctx.database.db, id);
  if (!team) throw teamNotFound();
  return present(ctx.database.db, team);
}

export async function createTeam(ctx: AppContext, actor: Actor, input: CreateTeamInput): Promise<TeamDto> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    if (input.isDefault) await clearDefaultTeam(tx, undefined);
    const team = await insertTeam(
      tx,
      { name: input.name.trim(), restrictAgents: input.restrictAgents ?? false, assignment: input.assignment ?? 'off', isDefault: input.isDefault ?? false },
      now,
    );
    if (!team) throw nameTakenError();
    await recordAudit(tx, { actorId: actor.id, action: 'team.created', targetType: 'team', targetId: team.id, details: { name: team.name } }, now);
    return presentTeam(team, []);
  });
}

export async function changeTeam(ctx: AppContext, actor: Actor, id: string, input: UpdateTeamInput): Promise<TeamDto> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    const name = input.name?.trim();
    if (name !== undefined && (await nameTaken(tx, name, id))) throw nameTakenError();
    if (input.isDefault) await clearDefaultTeam(tx, id);
    const team = await updateTeam(tx, id, { ...input, ...(name === undefined ? {} : { name }) }, now);
    if (!team) throw teamNotFound();
    await recordAudit(tx, { actorId: actor.id, action: 'team.updated', targetType: 'team', targetId: id, details: { ...input } }, now);
    return present(tx, team);
  });
}

/** Its tickets keep everything but the team (they are of no team after). */
export async function removeTeam(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    if (!(await deleteTeam(tx, id))) throw teamNotFound();
    await recordAudit(tx, { actorId: actor.id, action: 'team.deleted', targetType: 'team', targetId: id, details: {} }, now);
  });
}

/** Members are staff: tickets are assigned to them. */
export async function addTeamMember(ctx: AppContext, actor: Actor, teamId: string, userId: string): Promise<TeamDto> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    const team = await findTeam(tx, teamId);
    if (!team) throw teamNotFound();
    const user = await findUserById(tx, userId);
    if (!user || !isActiveStaff(user)) throw invalid('invalid_member', 'A team member must be an active agent or manager');
    await addMember(tx, teamId, userId, now);
    await recordAudit(tx, { actorId: actor.id, action: 'team.member_added', targetType: 'team', targetId: teamId, details: { userId } }, now);
    return present(tx, team);
  });
}

export async function removeTeamMember(ctx: AppContext, actor: Actor, teamId: string, userId: string): Promise<void> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    if (!(await findTeam(tx, teamId))) throw teamNotFound();
    if (!(await removeMember(tx, teamId, userId))) throw notFound('team_member_not_found', 'No such member of this team');
    await recordAudit(tx, { actorId: actor.id, action: 'team.member_removed', targetType: 'team', targetId: teamId, details: { userId } }, now);
  });
}

export async function listRoutingRules(ctx: AppContext, actor: Actor): Promise<{ items: RoutingRuleDto[] }> {
  authorize(actor, 'team.manage');
  return { items: (await routingRulesInOrder(ctx.database.db)).map(presentRoutingRule) };
}

/** Conditions as stored: tags in their one spelling (so they match the tickets'), mailboxes that exist (400 otherwise). */
async function storedConditions(db: Db, conditions: RoutingConditions): Promise<RoutingConditions> {
  for (const id of conditions.mailboxIds ?? []) {
    if (!(await findMailbox(db, id))) throw invalidField('invalid_mailbox', 'conditions.mailboxIds', 'No such mailbox');
  }
  const tags = normalizeTags(conditions.tags, 'conditions.tags');
  return { ...conditions, ...(tags && { tags }) };
}

/** A new rule is tried after every existing one. */
export async function createRoutingRule(ctx: AppContext, actor: Actor, input: CreateRoutingRuleInput): Promise<RoutingRuleDto> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    await assertTeam(tx, input.teamId);
    const conditions = await storedConditions(tx, input.conditions);
    const rule = await insertRoutingRule(tx, { name: input.name.trim(), conditions, teamId: input.teamId }, now);
    await recordAudit(tx, { actorId: actor.id, action: 'routing_rule.created', targetType: 'routing_rule', targetId: rule.id, details: { name: rule.name } }, now);
    return presentRoutingRule(rule);
  });
}

export async function removeRoutingRule(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'team.manage');
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    if (!(await deleteRoutingRule(tx, id))) throw notFound('routing_rule_not_found', 'No such routing rule');
    await recordAudit(tx, { actorId: actor.id, action: 'routing_rule.deleted', targetType: 'routing_rule', targetId: id, details: {} }, now);
  });
}

/** The topics rules route by, in their order, each once. */
export async function listTopics(ctx: AppContext, actor: Actor): Promise<{ items: string[] }> {
  authorize(actor, 'team.listTopics');
  return { items: topicsOf(await routingRulesInOrder(ctx.database.db)) };
}

const topicsOf = (rules: readonly { conditions: { topics?: string[] } }[]): string[] => [
  ...new Set(rules.flatMap((rule) => rule.conditions.topics ?? [])),
];

/** A team named by a request (a ticket's, a rule's) must exist: 400 otherwise, the input is wrong. */
export async function assertTeam(db: Db, id: string): Promise<void> {
  if (!(await findTeam(db, id))) throw invalid('invalid_team', 'No such team');
}

const rulesOf = (choices: readonly RoutingChoice[]) =>
  choices.flatMap((choice) => (choice.conditions && choice.ruleId ? [{ id: choice.ruleId, conditions: choice.conditions, teamId: choice.teamId }] : []));

/**
 * The team a new ticket goes to: the first routing rule that matches (by its topic, the
 * mailbox its mail came by), else the default team, else none. A topic must be one the
 * form offers (400 otherwise).
 */
export async function teamForNewTicket(db: Db, facts: RoutingFacts): Promise<{ id: string; name: string } | null> {
  const choices = await routingChoices(db);
  const rules = rulesOf(choices);
  if (facts.topic !== undefined && !topicsOf(rules).includes(facts.topic)) {
    throw invalid('invalid_topic', 'Choose one of the topics offered');
  }
  const fallback = choices.find((choice) => choice.conditions === null)?.teamId ?? null;
  const teamId = routeTicket(rules, fallback, facts);
  const team = choices.find((choice) => choice.teamId === teamId);
  return team ? { id: team.teamId, name: team.teamName } : null;
}

/**
 * The rule that places a ticket of no team which now carries `tags` (tags come after a
 * ticket is opened): the first rule that matches on the tags alone, since the topic and
 * mailbox of its opening are not kept. No default team: a ticket left without a team
 * stays so until a tag rule takes it.
 */
export async function routingRuleForTags(db: Db, tags: readonly string[]): Promise<{ ruleId: string; teamId: string } | undefined> {
  const rule = firstMatchingRule(
    rulesOf(await routingChoices(db)).filter((candidate) => candidate.conditions.tags !== undefined),
    { tags },
  );
  return rule && { ruleId: rule.id, teamId: rule.teamId };
}
