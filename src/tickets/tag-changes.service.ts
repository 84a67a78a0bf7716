import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { visibleTickets } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { tagNotFound, tooManyTagged } from '../tags/tag-errors.js';
import { nextTags, normalizeTag } from '../tags/tag-names.js';
import { retagReferences } from '../tags/tag-references.js';
import { publishTicketEvent } from './publish-ticket-event.js';
import type { TicketEvent } from './ticket-events.js';
import { lockTicketsTagged, updateTicketIf } from './tickets.repository.js';

/** A desk-wide tag change touches at most this many tickets, all in one transaction. */
export const MAX_TICKETS_PER_TAG_CHANGE = 10_000;

export interface TagChangeResult {
  /** The tag the tickets carry now; null when it was deleted. */
  name: string | null;
  /** Tickets changed, each with a `ticket.tags_changed` event in its history. */
  tickets: number;
}

/**
 * Renames `from` to `to` on every ticket the caller sees that carries it (merging when `to`
 * is in use already), or deletes it (`to` null), and in the macros, views and rules that
 * name it. One transaction: every ticket changes, each with its own history event and live
 * update, and every macro, view and rule with them, or nothing does.
 */
export async function changeTag(ctx: AppContext, actor: Actor, rawFrom: string, rawTo: string | null): Promise<TagChangeResult> {
  authorize(actor, 'tags.read');
  authorize(actor, 'tags.manage');
  const from = normalizeTag(rawFrom, 'name');
  const to = rawTo === null ? null : normalizeTag(rawTo, 'body.name');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    const tagged = await lockTicketsTagged(tx, from, visibleTickets(actor), MAX_TICKETS_PER_TAG_CHANGE + 1);
    if (tagged.length === 0) throw tagNotFound();
    if (tagged.length > MAX_TICKETS_PER_TAG_CHANGE) throw tooManyTagged(MAX_TICKETS_PER_TAG_CHANGE);
    if (to === from) return { name: to, tickets: 0 };
    await retagReferences(tx, from, to, now);
    for (const ticket of tagged) {
      const tags = nextTags(ticket.tags, to === null ? [] : [to], [from]);
      const added = tags.filter((tag) => !ticket.tags.includes(tag));
      // The rows are locked: the update lands; the fallback only satisfies the type.
      const updated = (await updateTicketIf(tx, ticket.id, { tags }, now)) ?? ticket;
      const event: TicketEvent = { type: 'ticket.tags_changed', data: { added, removed: [from], tags } };
      await publishTicketEvent(tx, ctx.ticketEvents, { ticket: updated, actor, at: now, event });
    }
    return { name: to, tickets: tagged.length };
  });
}
