import { randomUUID } from 'node:crypto';
import type { AttachmentSummary } from '../attachments/attachments.repository.js';
import { attachmentData } from '../attachments/attachments.presenter.js';
import { attachToTicket } from '../attachments/attachments.service.js';
import { actorOfRow } from '../auth/actor.repository.js';
import { sessionEnded, type AccessClaims } from '../auth/tokens.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import {
  authorizeCreateTicket,
  authorizeTicketPatch,
  searchDocument,
  ticketVisibility,
  visibleTickets,
  type TicketPatch,
} from '../authz/policies/ticket.js';
import { isActiveCustomer, isActiveStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { decodeCursor, encodeCursor, isCursorInt4 } from '../http/cursor.js';
import { isSupportedInstant } from '../http/instants.js';
import { conflict, invalid, invalidField, preconditionFailed } from '../http/errors.js';
import { MAX_TAGS_PER_TICKET, nextTags, normalizeTag, normalizeTags } from '../tags/tag-names.js';
import { assertTeam, routingRuleForTags, teamForNewTicket } from '../teams/teams.service.js';
import { findUserById } from '../users/users.repository.js';
import { dispatchRecorded, publishTicketEvent } from './publish-ticket-event.js';
import { ticketEventRow } from './ticket-events.repository.js';
import { ticketAlreadyAssigned, ticketNotFound } from './ticket-errors.js';
import { DEFAULT_SORT_ORDER, SORT_ORDERS, TICKET_SORTS, type SortOrder, type TicketOrder, type TicketSort } from './ticket-sort.js';
import type { EventActor, TicketEvent, TicketEventDispatcher } from './ticket-events.js';
import { assertTransition, timestampsOnEntering, type TicketPriority, type TicketStatus } from './ticket-status.js';
import { countTicketsUpTo, listTicketViews } from './ticket-list.repository.js';
import {
  findCallerAndTicket,
  findTicket,
  findTicketView,
  insertTicket,
  insertTicketRecording,
  updateTicketIf,
  type TicketChanges,
  type NewTicket,
  type TicketExpectation,
  type TicketRow,
  type TicketView,
} from './tickets.repository.js';

/** Reads a ticket the actor may see; a ticket they may not see does not exist for them. */
export async function requireVisibleTicket(db: Db, actor: Actor, id: string): Promise<TicketRow> {
  const ticket = await findTicket(db, id, visibleTickets(actor));
  authorize(actor, 'ticket.read', ticket);
  return ticket;
}

async function viewOf(db: Db, id: string): Promise<TicketView> {
  const view = await findTicketView(db, id, { kind: 'all' });
  if (!view) throw ticketNotFound();
  return view;
}

export interface CreateTicketInput {
  subject: string;
  description: string;
  priority?: TicketPriority | undefined;
  requesterId?: string | undefined;
  attachmentIds?: readonly string[] | undefined;
  /** The customer's choice of topic on the portal form: routes the ticket to a team. */
  topic?: string | undefined;
  /** The mailbox the mail that opens it came in by (the mail intake's, never a request's): routes it too. */
  mailboxId?: string | undefined;
}

/**
 * What a caller writes in the same transaction as the change (e.g. the mail intake marking
 * the mail that caused it as placed): both commit or neither does.
 */
export interface AlsoInTransaction<T> {
  within?: (tx: Db, result: T) => Promise<void>;
}

/** A ticket with its own files (those given with its description). */
export type TicketWithAttachments = TicketView & { attachments: AttachmentSummary[] };

/** Staff open tickets for customers only: an active customer account must exist. Returns their name. */
async function assertCustomer(db: Db, userId: string): Promise<string> {
  const user = await findUserById(db, userId);
  if (!user || !isActiveCustomer(user)) {
    throw invalid('invalid_requester', 'The requester must be an active customer');
  }
  return user.name;
}

/**
 * Inserts a new ticket and its `ticket.created` entry, and hands the entry to its handlers.
 * Without files the entry is known before the insert and is written by its statement; files
 * are attached once the ticket exists, and the entry that lists them is written after.
 */
async function insertWithHistory(
  ctx: AppContext,
  tx: Db,
  actor: Actor,
  ticket: NewTicket & { id: string },
  attachmentIds: readonly string[] | undefined,
): Promise<{ opened: TicketRow; attachments: AttachmentSummary[] }> {
  const { requesterId, priority, createdAt: at } = ticket;
  const created = (attachments: AttachmentSummary[]): TicketEvent => ({
    type: 'ticket.created',
    data: { status: 'open', priority, requesterId, openedBy: actor.id, ...attachmentData(attachments) },
  });
  if (!attachmentIds?.length) {
    const event = created([]);
    const entry = ticketEventRow({ ticketId: ticket.id, actorId: actor.id, at, event });
    const { ticket: opened, eventId } = await insertTicketRecording(tx, ticket, entry);
    await dispatchRecorded(tx, ctx.ticketEvents, eventId, { ticket: opened, actor, at, event });
    return { opened, attachments: [] };
  }
  const opened = await insertTicket(tx, ticket);
  const attachments = await attachToTicket(ctx, tx, actor, { ids: attachmentIds, ticketId: opened.id, messageId: null });
  await publishTicketEvent(tx, ctx.ticketEvents, { ticket: opened, actor, at, event: created(attachments) });
  return { opened, attachments };
}

/**
 * Opens a ticket with its due dates already set, so nothing is re-read or updated after the
 * insert: a ticket created this instant has no waits and cannot have missed a target yet.
 */
export async function createTicket(
  ctx: AppContext,
  actor: Actor,
  input: CreateTicketInput,
  options: AlsoInTransaction<TicketWithAttachments> = {},
): Promise<TicketWithAttachments> {
  authorizeCreateTicket(actor, input);
  const requesterId = input.requesterId ?? actor.id;
  const priority = input.priority ?? 'normal';
  const now = ctx.now();
  const due = await ctx.newTicketDueDates(priority, now);
  return ctx.database.db.transaction(async (tx) => {
    const requesterName = requesterId === actor.id ? actor.name : await assertCustomer(tx, requesterId);
    const team = await teamForNewTicket(tx, { topic: input.topic, mailboxId: input.mailboxId });
    const ticket = {
      id: randomUUID(),
      subject: input.subject,
      description: input.description,
      priority,
      requesterId,
      teamId: team?.id ?? null,
      createdAt: now,
      ...due,
    };
    const { opened, attachments } = await insertWithHistory(ctx, tx, actor, ticket, input.attachmentIds);
    // A team's automatic assignment (a handler of ticket.created) may have given it an agent meanwhile.
    const view = team ? await viewOf(tx, opened.id) : { ...opened, requesterName, assigneeName: null, teamName: null };
    const result = { ...view, attachments };
    await options.within?.(tx, result);
    return result;
  });
}

export async function getTicket(ctx: AppContext, actor: Actor, id: string): Promise<TicketView> {
  const view = await findTicketView(ctx.database.db, id, ticketVisibility(actor));
  authorize(actor, 'ticket.read', view);
  return view;
}

/**
 * A ticket as a request's caller may read it, with its own files, the caller's session checked in the same statement
 * (one round trip): a session ended or an account deactivated is 401, as on every route;
 * a ticket the caller may not see is 404, as `visibleTickets` decides in SQL elsewhere.
 */
export async function getTicketOfCaller(ctx: AppContext, claims: AccessClaims, id: string): Promise<{ actor: Actor; ticket: TicketWithAttachments }> {
  const found = await findCallerAndTicket(ctx.database.db, claims, id);
  if (!found) throw sessionEnded();
  const actor = actorOfRow(found.actor, claims.sessionId);
  // The read rule's `sees` (`canSeeTicket`, the in-memory form of `visibleTickets`) decides: 404 for a ticket out of sight.
  authorize(actor, 'ticket.read', found.ticket);
  return { actor, ticket: { ...found.ticket, attachments: found.attachments } };
}

export interface ListTicketsInput {
  statuses?: readonly TicketStatus[] | undefined;
  priority?: TicketPriority | undefined;
  /** A user id, `me` or `none` (unassigned). */
  assigneeId?: string | undefined;
  /** A team id, `mine` (the caller's teams) or `none`. */
  teamId?: string | undefined;
  requesterId?: string | undefined;
  tag?: string | undefined;
  /** ISO 8601 instants: created at or after `createdFrom`, before `createdTo`. */
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  q?: string | undefined;
  sort?: TicketSort | undefined;
  order?: SortOrder | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The last ticket of the page, and the order it was read in (absent: newest first). */
interface ListCursor {
  n: number;
  s?: TicketSort;
  o?: SortOrder;
}

const isListCursor = (value: unknown): value is ListCursor => {
  if (typeof value !== 'object' || value === null) return false;
  const { n, s, o } = value as { n?: unknown; s?: unknown; o?: unknown };
  const among = (list: readonly string[], part: unknown) => part === undefined || (typeof part === 'string' && list.includes(part));
  return isCursorInt4(n) && among(TICKET_SORTS, s) && among(SORT_ORDERS, o);
};

function listOrder(input: ListTicketsInput, search: string | undefined): TicketOrder {
  const sort = input.sort ?? 'created';
  const order = input.order ?? DEFAULT_SORT_ORDER[sort];
  if (search && (sort !== 'created' || order !== 'desc')) {
    throw invalidField('sort_with_search', 'sort', 'Search results are listed newest first: leave out sort and order');
  }
  return { sort, order };
}

/** One end of the creation range; the schema has checked its shape, not that it names a real instant. */
function createdBound(name: 'createdFrom' | 'createdTo', text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (!isSupportedInstant(at.getTime())) throw invalidField('invalid_range', name, `${name} must be an ISO 8601 timestamp between 1970 and 9999`);
  return at;
}

/** The creation range as instants. An empty range is a mistake. */
export function createdRange(input: Pick<ListTicketsInput, 'createdFrom' | 'createdTo'>): { createdFrom?: Date; createdTo?: Date } {
  const createdFrom = createdBound('createdFrom', input.createdFrom);
  const createdTo = createdBound('createdTo', input.createdTo);
  if (createdFrom && createdTo && createdFrom >= createdTo) {
    throw invalidField('invalid_range', 'createdTo', 'createdTo must be after createdFrom');
  }
  return { ...(createdFrom ? { createdFrom } : {}), ...(createdTo ? { createdTo } : {}) };
}

function teamFilter(actor: Actor, teamId: string | undefined): readonly string[] | null | undefined {
  if (teamId === 'mine') return actor.teams.ids;
  if (teamId === 'none') return null;
  return teamId === undefined ? undefined : [teamId];
}

function assigneeFilter(actor: Actor, assigneeId: string | undefined): string | null | undefined {
  if (assigneeId === 'me') return actor.id;
  if (assigneeId === 'none') return null;
  return assigneeId;
}

export async function listTickets(
  ctx: AppContext,
  actor: Actor,
  input: ListTicketsInput,
): Promise<{ items: TicketView[]; nextCursor: string | null }> {
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, isListCursor);
  const search = input.q?.trim() || undefined;
  const order = listOrder(input, search);
  if (input.tag !== undefined) authorize(actor, 'tags.read');
  if (cursor && ((cursor.s ?? 'created') !== order.sort || (cursor.o ?? 'desc') !== order.order)) {
    throw invalid('invalid_cursor', 'The cursor belongs to a list in another order: start again without it');
  }
  // One row more than asked tells whether another page exists.
  const rows = await listTicketViews(ctx.database.db, {
    visibility: ticketVisibility(actor),
    statuses: input.statuses,
    priority: input.priority,
    assigneeId: assigneeFilter(actor, input.assigneeId),
    teamIds: teamFilter(actor, input.teamId),
    requesterId: input.requesterId,
    tag: input.tag === undefined ? undefined : normalizeTag(input.tag, 'tag'),
    ...createdRange(input),
    search,
    searchDocument: searchDocument(actor),
    order,
    afterNumber: cursor?.n,
    limit: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  // Newest-first cursors stay as they always were: `{ n }`.
  const newestFirst = order.sort === 'created' && order.order === 'desc';
  const position: ListCursor | undefined = last && (newestFirst ? { n: last.number } : { n: last.number, s: order.sort, o: order.order });
  const nextCursor = rows.length > input.limit && position ? encodeCursor(position) : null;
  return { items, nextCursor };
}

/** A list's filters without search and paging: what a saved view holds. */
export type TicketFilters = Pick<ListTicketsInput, 'statuses' | 'priority' | 'assigneeId' | 'requesterId' | 'tag' | 'createdFrom' | 'createdTo'>;

/** How many tickets the actor sees through these filters, up to `cap`. */
export async function countTickets(ctx: AppContext, actor: Actor, filters: TicketFilters, cap: number): Promise<number> {
  if (filters.tag !== undefined) authorize(actor, 'tags.read');
  return countTicketsUpTo(
    ctx.database.db,
    {
      visibility: ticketVisibility(actor),
      statuses: filters.statuses,
      priority: filters.priority,
      assigneeId: assigneeFilter(actor, filters.assigneeId),
      requesterId: filters.requesterId,
      tag: filters.tag === undefined ? undefined : normalizeTag(filters.tag, 'tag'),
      ...createdRange(filters),
    },
    cap,
  );
}

interface PatchPlan {
  changes: TicketChanges;
  expect: TicketExpectation;
  events: TicketEvent[];
}

/**
 * Turns a PATCH into column changes, the values they rest on, and the history they write.
 * `byRule` marks the events of a change an escalation rule made.
 */
function planPatch(current: TicketRow, patch: TicketPatch, now: Date, byRule: { ruleId?: string } = {}, tagRoute?: TagRoute): PatchPlan {
  const plan: PatchPlan = { changes: {}, expect: {}, events: [] };
  if (patch.status !== undefined) {
    assertTransition(current.status, patch.status);
    Object.assign(plan.changes, { status: patch.status, ...timestampsOnEntering(patch.status, now) });
    plan.expect.status = current.status;
    plan.events.push({ type: 'ticket.status_changed', data: { from: current.status, to: patch.status, ...byRule } });
  }
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    plan.changes.priority = patch.priority;
    plan.expect.priority = current.priority;
    plan.events.push({ type: 'ticket.priority_changed', data: { from: current.priority, to: patch.priority, ...byRule } });
  }
  if (patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId) {
    plan.changes.assigneeId = patch.assigneeId;
    plan.expect.assigneeId = current.assigneeId;
    plan.events.push({ type: 'ticket.assignee_changed', data: { from: current.assigneeId, to: patch.assigneeId, ...byRule } });
  }
  planTags(plan, current.tags, patch);
  if (patch.teamId !== undefined && patch.teamId !== current.teamId) {
    plan.changes.teamId = patch.teamId;
    plan.events.push({ type: 'ticket.team_changed', data: { from: current.teamId, to: patch.teamId, ...byRule } });
  } else if (tagRoute) {
    plan.changes.teamId = tagRoute.teamId;
    plan.events.push({ type: 'ticket.team_changed', data: { from: null, to: tagRoute.teamId, routingRuleId: tagRoute.ruleId } });
  }
  return plan;
}

type TagRoute = { ruleId: string; teamId: string };

/**
 * A ticket of no team that gets a tag a routing rule takes joins that rule's team, by the
 * rule (tags come after opening, so routing by tag happens here). Not when the same change
 * names the team itself: what the person chose wins.
 */
async function tagRouteFor(db: Db, current: TicketRow, patch: TicketPatch): Promise<TagRoute | undefined> {
  if (current.teamId !== null || patch.teamId !== undefined || !patch.addTags?.some((tag) => !current.tags.includes(tag))) return undefined;
  return routingRuleForTags(db, nextTags(current.tags, patch.addTags, patch.removeTags));
}

function planTags(plan: PatchPlan, current: readonly string[], patch: TicketPatch): void {
  const tags = nextTags(current, patch.addTags, patch.removeTags);
  const added = tags.filter((tag) => !current.includes(tag));
  const removed = current.filter((tag) => !tags.includes(tag));
  if (added.length === 0 && removed.length === 0) return;
  // Only growth is refused: a ticket over the limit (the limit lowered) may still shed tags.
  if (added.length > 0 && tags.length > MAX_TAGS_PER_TICKET) {
    throw invalidField('too_many_tags', 'addTags', `A ticket carries at most ${MAX_TAGS_PER_TICKET} tags`);
  }
  plan.changes.tags = tags;
  plan.expect.tags = current;
  plan.events.push({ type: 'ticket.tags_changed', data: { added, removed, tags } });
}

/** Where a plan is written from: the events' publisher, who acts (null: the system) and when. */
export interface PlanWriter {
  events: TicketEventDispatcher;
  actor: EventActor | null;
  now: Date;
}

/** Writes a plan if its expectation still holds: the row and its events. False when it did not hold. */
async function writePlan(tx: Db, id: string, plan: PatchPlan, { events, actor, now }: PlanWriter): Promise<boolean> {
  const ticket = await updateTicketIf(tx, id, plan.changes, now, plan.expect);
  if (!ticket) return false;
  for (const event of plan.events) await publishTicketEvent(tx, events, { ticket, actor, at: now, event });
  return true;
}

async function assertAssignable(db: Db, userId: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user || !isActiveStaff(user)) {
    throw invalid('invalid_assignee', 'The assignee must be an active agent or manager');
  }
}

/**
 * Why a compare-and-set found the ticket changed under it: a stale If-Match (412), a
 * claim on an unassigned ticket someone else won (409), or anything else, which the
 * caller simply decides again on the fresh row.
 */
async function explainLostUpdate(tx: Db, id: string, plan: PatchPlan): Promise<void> {
  const fresh = await findTicket(tx, id, undefined);
  if (!fresh) throw ticketNotFound();
  if (plan.expect.versions && !plan.expect.versions.includes(fresh.version)) throw preconditionFailed();
  if (plan.expect.assigneeId === null && fresh.assigneeId !== null) throw ticketAlreadyAssigned();
}

/** Returns null when the ticket changed between read and write and the PATCH must be decided again. */
async function tryUpdate(
  tx: Db,
  events: TicketEventDispatcher,
  actor: Actor,
  id: string,
  patch: TicketPatch,
  versions: readonly number[] | undefined,
  now: Date,
): Promise<TicketView | null> {
  const current = await requireVisibleTicket(tx, actor, id);
  authorizeTicketPatch(actor, current, patch);
  if (versions && !versions.includes(current.version)) throw preconditionFailed();
  if (patch.assigneeId) await assertAssignable(tx, patch.assigneeId);
  if (patch.teamId) await assertTeam(tx, patch.teamId);
  const plan = planPatch(current, patch, now, {}, await tagRouteFor(tx, current, patch));
  if (plan.events.length === 0) return viewOf(tx, id);
  if (versions) plan.expect.versions = versions;
  if (!(await writePlan(tx, id, plan, { events, actor, now }))) {
    await explainLostUpdate(tx, id, plan);
    return null;
  }
  return viewOf(tx, id);
}

/**
 * A change to a ticket the caller holds locked in `tx`, already authorized, made the way a
 * PATCH is (status machine, timestamps, history and its handlers). Returns the events
 * written (none when nothing changes).
 */
export async function applyLockedChange(
  tx: Db,
  current: TicketRow,
  patch: TicketPatch,
  writer: PlanWriter,
  byRule: { ruleId?: string } = {},
): Promise<TicketEvent[]> {
  const plan = planPatch(current, patch, writer.now, byRule);
  if (plan.events.length === 0) return [];
  if (!(await writePlan(tx, current.id, plan, writer))) throw new Error('a locked ticket changed under its writer');
  return plan.events;
}

/**
 * A change an escalation rule decided, made by the system: no permission checks, actor
 * null, each event naming the rule. The caller holds `current` locked, in `tx`.
 */
export const applyRuleChange = (
  tx: Db,
  events: TicketEventDispatcher,
  current: TicketRow,
  patch: TicketPatch,
  ruleId: string,
  now: Date,
): Promise<TicketEvent[]> => applyLockedChange(tx, current, patch, { events, actor: null, now }, { ruleId });

const UPDATE_ATTEMPTS = 3;

/** Tags in their one spelling, so `Refund` adds and removes `refund`. */
export const normalizedPatch = (patch: TicketPatch): TicketPatch => ({
  ...patch,
  addTags: normalizeTags(patch.addTags, 'addTags'),
  removeTags: normalizeTags(patch.removeTags, 'removeTags'),
});

/**
 * Applies a PATCH. Each write is a conditional UPDATE on the values it was decided from,
 * so concurrent writers never act on stale state: a lost claim is 409, a stale If-Match
 * 412, and any other interleaving is re-decided on the fresh row.
 * `versions` comes from If-Match; undefined applies the PATCH to whatever is current.
 */
export async function updateTicket(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: TicketPatch,
  versions?: readonly number[],
): Promise<TicketView> {
  const normalized = normalizedPatch(patch);
  for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
    const now = ctx.now();
    const updated = await ctx.database.db.transaction((tx) => tryUpdate(tx, ctx.ticketEvents, actor, id, normalized, versions, now));
    if (updated) return updated;
  }
  throw conflict('concurrent_update', 'The ticket keeps changing under this request; try again');
}
