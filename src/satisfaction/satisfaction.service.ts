import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { conflict, notFound } from '../http/errors.js';
import { renderMail } from '../mail/mail-templates.js';
import { enqueueMail } from '../mail/outbox.repository.js';
import type { TicketThreads } from '../mail/ticket-thread.js';
import { ticketMailSubject } from '../notifications/notification-templates.js';
import { publishTicketEvent } from '../tickets/publish-ticket-event.js';
import { ticketNotFound } from '../tickets/ticket-errors.js';
import type { TicketEventDispatcher, TicketEventEnvelope } from '../tickets/ticket-events.js';
import { findTicket, lockTicket, type TicketRow } from '../tickets/tickets.repository.js';
import { requireVisibleTicket } from '../tickets/tickets.service.js';
import { findUserById } from '../users/users.repository.js';
import type { Rating } from './rating.js';
import { ANSWER_DAYS, invalidLink, satisfactionToken, satisfactionUrl, ticketOfToken } from './satisfaction-links.js';
import { findRating, insertRequest, saveAnswer, type RatingRow } from './satisfaction.repository.js';

const DAY_MS = 86_400_000;

const notAsked = () => notFound('satisfaction_not_found', 'This ticket has no satisfaction request');
const answerClosed = () => conflict('satisfaction_closed', 'The ticket is closed or the request older than 14 days: it can no longer be rated');

export interface RatingView extends RatingRow {
  /** The answer can still be given or changed. */
  open: boolean;
}

const viewOf = (row: RatingRow, ticket: Pick<TicketRow, 'status'>, now: Date): RatingView => ({
  ...row,
  open: ticket.status !== 'closed' && row.expiresAt > now,
});

interface SurveyOptions {
  publicUrl: string;
  secret: Uint8Array;
  /** The mail joins the ticket's thread, like every other mail about it. */
  threads: TicketThreads;
}

/**
 * Asks the requester once, when the ticket is first resolved: the request is recorded with
 * the agent and team it credits, and a mail with a one-click link per answer is queued in
 * the same transaction (only to an active account's proven address; the portal asks too).
 */
async function ask(tx: Db, { ticket, at }: TicketEventEnvelope, options: SurveyOptions): Promise<void> {
  const expiresAt = new Date(at.getTime() + ANSWER_DAYS * DAY_MS);
  const request = await insertRequest(tx, { ticketId: ticket.id, agentId: ticket.assigneeId, teamId: ticket.teamId, askedAt: at, expiresAt });
  if (!request) return;
  const requester = await findUserById(tx, ticket.requesterId);
  if (!requester?.active || requester.emailVerifiedAt === null) return;
  const token = await satisfactionToken(options.secret, ticket.id, expiresAt);
  const mail = renderMail({
    subject: ticketMailSubject(ticket),
    heading: `How did we do on #${ticket.number}?`,
    paragraphs: [
      `Were you helped? One click answers; you can add a comment or change your answer for ${ANSWER_DAYS} days, until the ticket is closed.`,
    ],
    choices: [
      { url: satisfactionUrl(options.publicUrl, token, 'good'), label: 'Good, I was helped' },
      { url: satisfactionUrl(options.publicUrl, token, 'bad'), label: 'Bad, I was not helped' },
    ],
    link: { url: `${options.publicUrl}/tickets/${ticket.id}`, label: 'Open the ticket' },
    footer: 'You get this mail once, because a ticket of yours was resolved.',
  });
  await enqueueMail(
    tx,
    { kind: 'satisfaction_request', to: requester.email, ...mail, headers: options.threads.headers(ticket.id) },
    { config: { publicUrl: options.publicUrl }, now: () => at },
  );
}

export function registerSatisfactionSurvey(events: TicketEventDispatcher, options: SurveyOptions): void {
  events.on('ticket.status_changed', async (tx, envelope) => {
    if (envelope.event.data.to === 'resolved') await ask(tx, envelope, options);
  });
}

/** Records the answer with its history entry; 409 once the request has closed. */
async function answer(
  tx: Db,
  events: TicketEventDispatcher,
  ticket: TicketRow,
  input: { rating: Rating; comment?: string | undefined },
  actor: Actor | null,
  now: Date,
): Promise<RatingView> {
  if (!(await findRating(tx, ticket.id))) throw notAsked();
  const comment = input.comment?.trim() || null;
  const saved = await saveAnswer(tx, ticket.id, { rating: input.rating, comment }, now);
  if (!saved) throw answerClosed();
  await publishTicketEvent(tx, events, {
    ticket,
    actor,
    at: now,
    event: { type: 'ticket.satisfaction_rated', data: { rating: input.rating, comment: comment !== null } },
  });
  return viewOf(saved, ticket, now);
}

/**
 * The rating of a ticket the link names, for the public page. The token is the only
 * credential: it names one ticket, so no other ticket can be read or rated with it.
 */
export async function ratingByLink(ctx: AppContext, token: string): Promise<{ ticket: TicketRow; rating: RatingView }> {
  const now = ctx.now();
  const ticketId = await ticketOfToken(ctx.config.jwtSecret, token, now);
  const ticket = await findTicket(ctx.database.db, ticketId, undefined);
  const rating = ticket && (await findRating(ctx.database.db, ticketId));
  if (!ticket || !rating) throw invalidLink();
  return { ticket, rating: viewOf(rating, ticket, now) };
}

export async function rateByLink(
  ctx: AppContext,
  token: string,
  input: { rating: Rating; comment?: string | undefined },
): Promise<{ ticket: TicketRow; rating: RatingView }> {
  const now = ctx.now();
  const ticketId = await ticketOfToken(ctx.config.jwtSecret, token, now);
  return ctx.database.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, ticketId, undefined);
    if (!ticket) throw invalidLink();
    return { ticket, rating: await answer(tx, ctx.ticketEvents, ticket, input, null, now) };
  });
}

export async function ratingOfTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<RatingView> {
  const ticket = await requireVisibleTicket(ctx.database.db, actor, ticketId);
  authorize(actor, 'satisfaction.read', ticket);
  const rating = await findRating(ctx.database.db, ticketId);
  if (!rating) throw notAsked();
  return viewOf(rating, ticket, ctx.now());
}

/** The requester answers in the portal, as the mailed links do. */
export async function rateTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: { rating: Rating; comment?: string | undefined },
): Promise<RatingView> {
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    const ticket = await requireVisibleTicket(tx, actor, ticketId);
    authorize(actor, 'satisfaction.rate', ticket);
    const locked = await lockTicket(tx, ticketId, undefined);
    if (!locked) throw ticketNotFound();
    return answer(tx, ctx.ticketEvents, locked, input, actor, now);
  });
}
