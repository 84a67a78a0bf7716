import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { TicketPatch } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../http/errors.js';
import { findMacro } from '../macros/macros.repository.js';
import { macroPatch } from '../macros/macros.service.js';
import { withGroupedNotifications } from '../notifications/notification-batch.js';
import { normalizedPatch, updateTicket } from '../tickets/tickets.service.js';
import type { TicketView } from '../tickets/tickets.repository.js';

export interface BulkChanges extends TicketPatch {
  /** A macro whose changes are made too (its text is for replies, which bulk does not send). */
  macroId?: string | undefined;
}

export type BulkResult = { id: string; ok: true; ticket: TicketView } | { id: string; ok: false; error: { code: string; message: string } };

async function bulkPatch(ctx: AppContext, actor: Actor, { macroId, ...changes }: BulkChanges): Promise<TicketPatch> {
  if (macroId === undefined) return normalizedPatch(changes);
  const macro = await findMacro(ctx.database.db, macroId);
  authorize(actor, 'macro.use', macro);
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  // What the request names outright wins over the macro's own choice.
  return normalizedPatch({ ...macroPatch(macro.actions, actor), ...defined });
}

/**
 * The same change on many tickets, each exactly as its own PATCH: its own transaction, its
 * own permission checks, history and stream events, all of it or none of it. One ticket's
 * refusal (not visible, not allowed, a status it cannot move to) is its result and does not
 * stop the others. Input that is wrong for every ticket (a malformed tag, an unknown macro)
 * refuses the whole request before any ticket is touched.
 */
export async function bulkUpdate(ctx: AppContext, actor: Actor, ids: readonly string[], changes: BulkChanges): Promise<BulkResult[]> {
  const patch = await bulkPatch(ctx, actor, changes);
  // One request is one batch: 40 tickets assigned to someone are one notification to them.
  return withGroupedNotifications(ctx, async () => {
    const results: BulkResult[] = [];
    for (const id of ids) {
      try {
        results.push({ id, ok: true, ticket: await updateTicket(ctx, actor, id, patch) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ id, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    return results;
  });
}
