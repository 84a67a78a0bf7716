import type { Actor } from '../authz/actor.js';
import { authorize, can } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { normalizeTag } from '../tags/tag-names.js';
import { countTickets, createdRange } from '../tickets/tickets.service.js';
import { deleteView, findView, insertView, listViewsFor, updateView, type ViewFields, type ViewRow } from './views.repository.js';

/** Counts beside views stop here: "1000+" says enough, and a count must stay cheap. */
export const VIEW_COUNT_CAP = 1000;

export interface CountedView extends ViewRow {
  /** Tickets the caller sees through the view, up to VIEW_COUNT_CAP; null when the view filters by a tag the caller may not see. */
  count: number | null;
}

/**
 * A tag filter is as internal as the tag: only those who may see tags may keep one. An
 * empty date range is refused here, not when the view is counted.
 */
function checkedFields<F extends Partial<ViewFields>>(actor: Actor, fields: F): F {
  if (fields.filters) createdRange(fields.filters);
  const tag = fields.filters?.tag;
  if (tag === undefined || !fields.filters) return fields;
  authorize(actor, 'tags.read');
  return { ...fields, filters: { ...fields.filters, tag: normalizeTag(tag, 'filters.tag') } };
}

export async function createView(ctx: AppContext, actor: Actor, input: ViewFields & { shared?: boolean | undefined }): Promise<ViewRow> {
  const { shared, ...fields } = input;
  const ownerId = shared ? null : actor.id;
  authorize(actor, 'view.create', { ownerId });
  return insertView(ctx.database.db, { ...checkedFields(actor, fields), ownerId }, ctx.now());
}

export async function listViews(ctx: AppContext, actor: Actor): Promise<CountedView[]> {
  authorize(actor, 'view.list', { ownerId: actor.id });
  const views = await listViewsFor(ctx.database.db, actor.id);
  const counted: CountedView[] = [];
  for (const view of views) {
    const hidden = view.filters.tag !== undefined && !can(actor, 'tags.read');
    counted.push({ ...view, count: hidden ? null : await countTickets(ctx, actor, view.filters, VIEW_COUNT_CAP) });
  }
  return counted;
}

export async function changeView(ctx: AppContext, actor: Actor, id: string, changes: Partial<ViewFields>): Promise<ViewRow> {
  const { db } = ctx.database;
  const view = await findView(db, id);
  authorize(actor, 'view.change', view);
  return (await updateView(db, id, checkedFields(actor, changes), ctx.now())) ?? view;
}

export async function removeView(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const { db } = ctx.database;
  const view = await findView(db, id);
  authorize(actor, 'view.change', view);
  await deleteView(db, id);
}
