import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { escalationRules } from '../escalation/escalation.schema.js';
import { conflict } from '../http/errors.js';
import { macros } from '../macros/macros.schema.js';
import { routingRules } from '../teams/teams.schema.js';
import { savedViews } from '../views/views.schema.js';
import { retagList } from './tag-names.js';

// Read off the table: the macros' own schema module would tie tags to macros both ways.
type MacroActions = (typeof macros.$inferSelect)['actions'];

const soleCondition = (kind: string, name: string) =>
  conflict('tag_in_use', `The ${kind} "${name}" tests only this tag; deleting it would make the rule take every ticket. Change the rule first`);

/** `actions` with both tag lists retagged; undefined when neither names the tag. Emptied lists go. */
function retagActions(actions: MacroActions, from: string, to: string | null): MacroActions | undefined {
  const addTags = retagList(actions.addTags, from, to);
  const removeTags = retagList(actions.removeTags, from, to);
  if (addTags === undefined && removeTags === undefined) return undefined;
  const { addTags: oldAdd, removeTags: oldRemove, ...rest } = actions;
  const add = addTags ?? oldAdd;
  const remove = removeTags ?? oldRemove;
  return { ...rest, ...(add?.length ? { addTags: add } : {}), ...(remove?.length ? { removeTags: remove } : {}) };
}

/**
 * Renames (or, `to` null, deletes) tag `from` in everything that names it: macros' tag
 * actions, saved views' tag filter, escalation and routing rules' tag conditions, in the
 * caller's transaction (the tag change's), rows locked. A deleted tag leaves a view's
 * filter and a macro's lists; a rule that tests it alone is refused (`tag_in_use`), since
 * without its one tag it would act on every ticket.
 */
export async function retagReferences(tx: Db, from: string, to: string | null, now: Date): Promise<void> {
  const escalations = retaggedRules(await tx.select().from(escalationRules).where(sql`${escalationRules.conditions} ? 'tags'`).for('update'), 'escalation rule', from, to);
  const routings = retaggedRules(await tx.select().from(routingRules).where(sql`${routingRules.conditions} ? 'tags'`).for('update'), 'routing rule', from, to);
  for (const { rule, tags } of escalations) {
    await tx.update(escalationRules).set({ conditions: { ...rule.conditions, tags }, updatedAt: now }).where(eq(escalationRules.id, rule.id));
  }
  for (const { rule, tags } of routings) {
    await tx.update(routingRules).set({ conditions: { ...rule.conditions, tags } }).where(eq(routingRules.id, rule.id));
  }
  await retagMacros(tx, from, to, now);
  await retagViews(tx, from, to, now);
}

interface TagRule {
  name: string;
  conditions: { tags?: string[] | undefined };
}

/** The rules whose tag condition names the tag, with their new tags; one left testing no tag is refused before anything is written. */
function retaggedRules<R extends TagRule>(rules: readonly R[], kind: string, from: string, to: string | null): { rule: R; tags: string[] }[] {
  return rules.flatMap((rule) => {
    const tags = retagList(rule.conditions.tags, from, to);
    if (tags === undefined) return [];
    if (tags.length === 0) throw soleCondition(kind, rule.name);
    return [{ rule, tags }];
  });
}

async function retagMacros(tx: Db, from: string, to: string | null, now: Date): Promise<void> {
  const rows = await tx
    .select({ id: macros.id, actions: macros.actions })
    .from(macros)
    .where(sql`${macros.actions} ?| array['addTags', 'removeTags']`)
    .for('update');
  for (const macro of rows) {
    const actions = retagActions(macro.actions, from, to);
    if (actions === undefined) continue;
    await tx.update(macros).set({ actions, updatedAt: now }).where(eq(macros.id, macro.id));
  }
}

async function retagViews(tx: Db, from: string, to: string | null, now: Date): Promise<void> {
  const rows = await tx
    .select({ id: savedViews.id, filters: savedViews.filters })
    .from(savedViews)
    .where(sql`${savedViews.filters}->>'tag' = ${from}`)
    .for('update');
  for (const view of rows) {
    const filters = { ...view.filters, tag: to ?? undefined };
    // JSON leaves an undefined field out: a deleted tag's filter goes.
    await tx.update(savedViews).set({ filters, updatedAt: now }).where(eq(savedViews.id, view.id));
  }
}
