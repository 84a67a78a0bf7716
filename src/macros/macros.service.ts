import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { TicketPatch } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { getTicket, updateTicket } from '../tickets/tickets.service.js';
import type { TicketView } from '../tickets/tickets.repository.js';
import type { MacroActions } from './macro-actions.js';
import { assertTemplate, renderTemplate } from './macro-template.js';
import { deleteMacro, findMacro, insertMacro, listMacrosFor, updateMacro, type MacroFields, type MacroRow } from './macros.repository.js';

export interface NewMacroInput extends MacroFields {
  /** Shared with the whole desk (macros.manage) rather than the caller's own. */
  shared?: boolean | undefined;
}

export async function createMacro(ctx: AppContext, actor: Actor, input: NewMacroInput): Promise<MacroRow> {
  const { shared, ...fields } = input;
  const ownerId = shared ? null : actor.id;
  authorize(actor, 'macro.create', { ownerId });
  assertTemplate(fields.body);
  return insertMacro(ctx.database.db, { ...fields, ownerId }, ctx.now());
}

export async function listMacros(ctx: AppContext, actor: Actor, q: string | undefined): Promise<MacroRow[]> {
  authorize(actor, 'macro.list', { ownerId: actor.id });
  return listMacrosFor(ctx.database.db, actor.id, q?.trim() || undefined);
}

export async function changeMacro(ctx: AppContext, actor: Actor, id: string, changes: Partial<MacroFields>): Promise<MacroRow> {
  const { db } = ctx.database;
  const macro = await findMacro(db, id);
  authorize(actor, 'macro.change', macro);
  if (changes.body !== undefined) assertTemplate(changes.body);
  return (await updateMacro(db, id, changes, ctx.now())) ?? macro;
}

export async function removeMacro(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const { db } = ctx.database;
  const macro = await findMacro(db, id);
  authorize(actor, 'macro.change', macro);
  await deleteMacro(db, id);
}

/** A macro's actions as the PATCH a person would send; `me` is whoever applies it. */
export const macroPatch = (actions: MacroActions, actor: Actor): TicketPatch => ({
  ...actions,
  assigneeId: actions.assigneeId === 'me' ? actor.id : actions.assigneeId,
});

const hasChanges = (patch: TicketPatch): boolean => Object.values(patch).some((value) => value !== undefined);

export interface AppliedMacro {
  ticket: TicketView;
  /** The reply text for the composer, placeholders filled in; not sent. */
  body: string;
}

/**
 * Applies a macro to a ticket: its changes are made as the caller's own PATCH (each checked
 * by its permission, all or none), and its text comes back filled in for the composer, which
 * the agent edits and sends, as in any helpdesk.
 */
export async function applyMacro(ctx: AppContext, actor: Actor, ticketId: string, macroId: string): Promise<AppliedMacro> {
  const macro = await findMacro(ctx.database.db, macroId);
  authorize(actor, 'macro.use', macro);
  const patch = macroPatch(macro.actions, actor);
  const ticket = hasChanges(patch) ? await updateTicket(ctx, actor, ticketId, patch) : await getTicket(ctx, actor, ticketId);
  const body = renderTemplate(macro.body, {
    requesterName: ticket.requesterName,
    ticketNumber: ticket.number,
    ticketSubject: ticket.subject,
    agentName: actor.name,
  });
  return { ticket, body };
}
