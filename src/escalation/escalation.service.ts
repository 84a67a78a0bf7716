import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { TicketPatch } from '../authz/policies/ticket.js';
import { isActiveStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { decodeCursor, encodeCursor, isCursorInstant, isCursorUuid } from '../http/cursor.js';
import { invalid, notFound } from '../http/errors.js';
import { endStaleBatches, withGroupedNotifications } from '../notifications/notification-batch.js';
import { checkSlaBreaches } from '../sla/sla.service.js';
import { normalizeTags } from '../tags/tag-names.js';
import { publishTicketEvent } from '../tickets/publish-ticket-event.js';
import { canTransition } from '../tickets/ticket-status.js';
import { lockTicket, type TicketRow } from '../tickets/tickets.repository.js';
import { applyRuleChange } from '../tickets/tickets.service.js';
import { assertTeam } from '../teams/teams.service.js';
import { findTeam } from '../teams/teams.repository.js';
import { findUserById } from '../users/users.repository.js';
import type { CreateRuleInput, RuleActions, RuleConditions, RuleDto, UpdateRuleInput } from './escalation-rule.js';
import {
  claimApplication,
  deleteRule,
  enabledRules,
  findRule,
  insertRule,
  listRules,
  matchingTicketIds,
  ruleMatches,
  updateRule,
  type RuleRow,
} from './escalation.repository.js';

const ruleNotFound = () => notFound('escalation_rule_not_found', 'No such escalation rule');

export const presentRule = (row: RuleRow): RuleDto => ({
  id: row.id,
  name: row.name,
  enabled: row.enabled,
  conditions: row.conditions,
  actions: row.actions,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const isAssignable = async (db: Db, userId: string): Promise<boolean> => {
  const user = await findUserById(db, userId);
  return user !== undefined && isActiveStaff(user);
};

async function assertValidActions(db: Db, actions: RuleActions): Promise<void> {
  if (actions.assignTo !== undefined && !(await isAssignable(db, actions.assignTo))) {
    throw invalid('invalid_assignee', 'assignTo must be an active agent or manager');
  }
  if (actions.setTeam !== undefined) await assertTeam(db, actions.setTeam);
}

interface RuleCursor {
  c: string;
  id: string;
}

const isRuleCursor = (value: unknown): value is RuleCursor => {
  const v = value as { c?: unknown; id?: unknown } | null;
  return isCursorInstant(v?.c) && isCursorUuid(v?.id);
};

export async function listEscalationRules(
  ctx: AppContext,
  actor: Actor,
  query: { limit?: number | undefined; cursor?: string | undefined },
): Promise<{ items: RuleDto[]; nextCursor: string | null }> {
  authorize(actor, 'escalation.manage');
  const limit = query.limit ?? 25;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isRuleCursor);
  const rows = await listRules(ctx.database.db, {
    after: cursor && { createdAt: new Date(cursor.c), id: cursor.id },
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ c: last.createdAt.toISOString(), id: last.id } satisfies RuleCursor) : null;
  return { items: page.map(presentRule), nextCursor };
}

/** Tags are matched exactly, so a rule keeps them in the one spelling tickets carry. */
function withNormalizedTags(conditions: RuleConditions): RuleConditions {
  const tags = normalizeTags(conditions.tags, 'conditions.tags');
  return tags === undefined ? conditions : { ...conditions, tags };
}

export async function createEscalationRule(ctx: AppContext, actor: Actor, input: CreateRuleInput): Promise<RuleDto> {
  authorize(actor, 'escalation.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    await assertValidActions(tx, input.actions);
    const rule = await insertRule(tx, { ...input, conditions: withNormalizedTags(input.conditions), enabled: input.enabled ?? true }, now);
    await recordAudit(tx, { actorId: actor.id, action: 'escalation_rule.created', targetType: 'escalation_rule', targetId: rule.id, details: { name: rule.name } }, now);
    return presentRule(rule);
  });
}

/** Conditions and actions are replaced whole. A rule keeps the tickets it already acted on. */
export async function updateEscalationRule(ctx: AppContext, actor: Actor, id: string, input: UpdateRuleInput): Promise<RuleDto> {
  authorize(actor, 'escalation.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    if (input.actions) await assertValidActions(tx, input.actions);
    const changes = input.conditions ? { ...input, conditions: withNormalizedTags(input.conditions) } : input;
    const rule = await updateRule(tx, id, changes, now);
    if (!rule) throw ruleNotFound();
    await recordAudit(tx, { actorId: actor.id, action: 'escalation_rule.updated', targetType: 'escalation_rule', targetId: id, details: { fields: Object.keys(input) } }, now);
    return presentRule(rule);
  });
}

export async function deleteEscalationRule(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'escalation.manage');
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    if (!(await deleteRule(tx, id))) throw ruleNotFound();
    await recordAudit(tx, { actorId: actor.id, action: 'escalation_rule.deleted', targetType: 'escalation_rule', targetId: id }, now);
  });
}

/**
 * What the rule's actions change on this ticket. A status the status machine does not
 * allow from here, and an assignee who is no longer active staff, are left out.
 */
async function rulePatch(tx: Db, actions: RuleActions, ticket: TicketRow): Promise<TicketPatch> {
  const patch: TicketPatch = {};
  if (actions.setStatus && canTransition(ticket.status, actions.setStatus)) patch.status = actions.setStatus;
  if (actions.setPriority && actions.setPriority !== ticket.priority) patch.priority = actions.setPriority;
  if (actions.assignTo && actions.assignTo !== ticket.assigneeId && (await isAssignable(tx, actions.assignTo))) {
    patch.assigneeId = actions.assignTo;
  }
  if (actions.setTeam && actions.setTeam !== ticket.teamId && (await findTeam(tx, actions.setTeam))) patch.teamId = actions.setTeam;
  return patch;
}

/**
 * Lets one rule act on one ticket, in one transaction: re-read the rule (disabled since
 * the run began: nothing), lock the ticket if it still matches, claim the (rule, ticket)
 * pair (taken: another run acted), then record the escalation and make the changes.
 */
async function applyRule(ctx: AppContext, ruleId: string, ticketId: string, now: Date): Promise<boolean> {
  return ctx.database.db.transaction(async (tx) => {
    const rule = await findRule(tx, ruleId);
    if (!rule?.enabled) return false;
    const ticket = await lockTicket(tx, ticketId, ruleMatches(rule.conditions, now));
    if (!ticket) return false;
    if (!(await claimApplication(tx, rule.id, ticket.id, now))) return false;
    const patch = await rulePatch(tx, rule.actions, ticket);
    // Told before the changes it makes: "notify assignee" reaches whom the rule found assigned.
    await publishTicketEvent(tx, ctx.ticketEvents, {
      ticket,
      actor: null,
      at: now,
      event: {
        type: 'ticket.escalated',
        data: {
          ruleId: rule.id,
          ruleName: rule.name,
          actions: {
            ...(patch.status && { setStatus: patch.status }),
            ...(patch.priority && { setPriority: patch.priority }),
            ...(patch.assigneeId && { assignTo: patch.assigneeId }),
            ...(patch.teamId && { setTeam: patch.teamId }),
          },
          notify: rule.actions.notify ?? [],
        },
      },
    });
    await applyRuleChange(tx, ctx.ticketEvents, ticket, patch, rule.id, now);
    return true;
  });
}

const MATCH_BATCH = 100;

async function runRule(ctx: AppContext, rule: RuleRow, now: Date): Promise<number> {
  let applied = 0;
  for (;;) {
    const ids = await matchingTicketIds(ctx.database.db, rule, now, MATCH_BATCH);
    let acted = 0;
    for (const id of ids) if (await applyRule(ctx, rule.id, id, now)) acted++;
    applied += acted;
    // Acted-on tickets drop out of the match; a full batch where nothing acted would only repeat.
    if (ids.length < MATCH_BATCH || acted === 0) return applied;
  }
}

export interface EscalationRun {
  /** Rule actions taken: one per rule and ticket. */
  applied: number;
  /** SLA targets newly recorded as missed. */
  breaches: number;
}

/**
 * One evaluation, as the scheduler runs it: first the SLA check, then every enabled rule
 * in creation order, all at the same `now`. Safe to run in several processes at once.
 */
export async function runEscalation(ctx: AppContext): Promise<EscalationRun> {
  const now = ctx.now();
  // Batches a crash left open end here, in whichever process runs next (the first run is at start-up).
  await endStaleBatches(ctx);
  // One run is one batch: 33 misses in it are one notification to each manager, not 33.
  return withGroupedNotifications(ctx, async () => {
    const breaches = await checkSlaBreaches(ctx, now);
    let applied = 0;
    for (const rule of await enabledRules(ctx.database.db)) applied += await runRule(ctx, rule, now);
    return { applied, breaches };
  });
}

export async function runEscalationFor(ctx: AppContext, actor: Actor): Promise<{ applied: number }> {
  authorize(actor, 'escalation.manage');
  const { applied } = await runEscalation(ctx);
  return { applied };
}
