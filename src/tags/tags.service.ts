import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { visibleTickets } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { normalizeTag } from './tag-names.js';
import { countTags, type TagCount } from './tags.repository.js';

/** The tags in use on the tickets the caller sees, with how many carry each, most used first. */
export async function listTags(ctx: AppContext, actor: Actor, query: { q?: string | undefined; limit?: number | undefined }): Promise<TagCount[]> {
  authorize(actor, 'tags.read');
  const prefix = query.q?.trim() ? normalizeTag(query.q, 'q') : undefined;
  return countTags(ctx.database.db, { visibility: visibleTickets(actor), prefix, limit: query.limit ?? 25 });
}
